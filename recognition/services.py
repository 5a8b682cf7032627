"""Every write to brands, model-branch cycles, honours and role models.

Who reviews: a brand project is approved and evaluated, and a model-branch cycle approved, reviewed at
mid-term and accepted, by the organisation above the one doing the work: for a brand, the parent of its
organisation; for a model branch, the committee that runs the batch. Each is a `change` right checked on
that organisation (as a ledger task's manager is), inside the write's transaction.
"""
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit
from audit.models import Action
from core import uploads
from core.errors import BusinessRuleError, NotInScope
from members.models import Membership
from orgs.choices import Kind
from orgs.services import add_years

from .choices import (
    COLLECTIVE,
    BrandAction,
    BrandLevel,
    BrandStatus,
    HonorKind,
    HonorLevel,
    ModelBranchAction,
    ModelBranchStage,
)
from .models import BrandMaterial, BrandProject, Honor, ModelBranch, ModelBranchBatch, ModelBranchMaterial, RoleModel

MATERIAL_MAX_SIZE = 20 * uploads.MB
BRAND_FIELDS = ("level", "organization", "name", "description", "started_on", "ends_on")
# A model branch is built over two years (RULES.md): mid-term review after the first, acceptance at the end.
CYCLE_YEARS = 2
ACCEPT_GRACE_DAYS = 92  # acceptance may be held up to a quarter before the second anniversary


def _today(today):
    return today or timezone.localdate()


def _fmt(day):
    return f"{day:%Y-%m-%d}"


def _refuse(user, record, message):
    """Not found when `user` cannot even see `record`; otherwise 403 with `message`."""
    if not type(record).objects.restrict(user).filter(pk=record.pk).exists():
        raise NotInScope()
    raise PermissionDenied(message)


def _ensure_reviewer(user, record, org, message):
    """`user` must hold `change` on `org` (checked on an unsaved record of the same model placed there)."""
    probe = type(record)(**{record.scope_org_field.removesuffix("_id"): org}) if org is not None else None
    if probe is None or not user.can("change", probe):
        _refuse(user, record, message)


# --- brands --------------------------------------------------------------------------------------------

BRAND_TRANSITIONS = {
    (BrandStatus.PROPOSED, BrandAction.APPROVE): BrandStatus.APPROVED,
    (BrandStatus.PROPOSED, BrandAction.REJECT): BrandStatus.REJECTED,
    (BrandStatus.APPROVED, BrandAction.START): BrandStatus.BUILDING,
    (BrandStatus.BUILDING, BrandAction.EVALUATE): BrandStatus.EVALUATED,
}


def _check_brand(project):
    org = project.organization
    if project.level == BrandLevel.BRANCH and org.kind != Kind.BRANCH:
        raise BusinessRuleError(_("“一支部一特色”项目的建设组织须为党支部，“%(o)s”是%(k)s")
                                % {"o": org, "k": org.get_kind_display()})
    if project.level == BrandLevel.COLLEGE and org.kind not in (Kind.COMMITTEE, Kind.GENERAL_BRANCH):
        raise BusinessRuleError(_("“一学院一品牌”项目的建设组织须为学院党委或党总支，“%(o)s”是%(k)s")
                                % {"o": org, "k": org.get_kind_display()})
    if org.dissolved_on and org.dissolved_on <= project.started_on:
        raise BusinessRuleError(_("“%(o)s”已于 %(d)s 撤销") % {"o": org, "d": _fmt(org.dissolved_on)})
    if project.ends_on and project.ends_on < project.started_on:
        raise BusinessRuleError(_("建设结束日期不能早于开始日期"))


def propose_brand(user, **fields):
    project = BrandProject(**{k: v for k, v in fields.items() if k in BRAND_FIELDS})
    with transaction.atomic():
        _check_brand(project)
        return audit.create(user, project)


def update_brand(user, project, changes, expected_version=None):
    changes = {k: v for k, v in changes.items() if k in BRAND_FIELDS}
    with transaction.atomic():
        draft = BrandProject.objects.get(pk=project.pk)
        if draft.status in (BrandStatus.EVALUATED, BrandStatus.REJECTED):
            raise BusinessRuleError(_("项目%(s)s，不能再修改") % {"s": draft.get_status_display()})
        for name, value in changes.items():
            setattr(draft, name, value)
        _check_brand(draft)
        return audit.update(user, project, changes, expected_version=expected_version)


def delete_brand(user, project):
    with transaction.atomic():
        if BrandProject.objects.get(pk=project.pk).status != BrandStatus.PROPOSED:
            raise BusinessRuleError(_("只能删除申报中的项目；已立项的项目留档备查"))
        audit.delete(user, project)


def brand_reviewer(project):
    return project.organization.parent


def can_review_brand(user, project):
    parent = brand_reviewer(project)
    return parent is not None and user.can("change", BrandProject(organization=parent))


def act_on_brand(user, project, action, *, on_date, evaluation="", note="", expected_version=None, today=None):
    """Approve, reject, start or evaluate a brand project: by the organisation above its organisation."""
    with transaction.atomic():
        fresh = BrandProject.objects.select_for_update(of=("self",)).select_related("organization__parent").get(
            pk=project.pk)
        _ensure_reviewer(user, fresh, brand_reviewer(fresh), _("品牌项目由上级党组织立项和评估：“%(o)s”的上级组织"
                                                               "才能执行此操作") % {"o": fresh.organization})
        if expected_version is not None and int(expected_version) != fresh.version:
            raise audit.stale_edit(fresh, int(expected_version))
        try:
            new = BRAND_TRANSITIONS[(fresh.status, action)]
        except KeyError:
            raise BusinessRuleError(_("项目当前状态为“%(s)s”，不能%(a)s")
                                    % {"s": fresh.get_status_display(), "a": BrandAction(action).label}) from None
        if on_date > _today(today):
            raise BusinessRuleError(_("日期 %(d)s 晚于今天") % {"d": _fmt(on_date)})
        changes = {"status": new}
        if action == BrandAction.APPROVE:
            if on_date < fresh.started_on.replace(month=1, day=1):
                raise BusinessRuleError(_("立项日期不能早于建设开始的年度"))
            changes["approved_on"] = on_date
        if action == BrandAction.EVALUATE:
            if not evaluation:
                raise BusinessRuleError(_("请选择评估结果"))
            if fresh.approved_on and on_date < fresh.approved_on:
                raise BusinessRuleError(_("评估日期不能早于立项日期 %(d)s") % {"d": _fmt(fresh.approved_on)})
            changes.update(evaluated_on=on_date, evaluation=evaluation, evaluation_note=note)
        return audit.update(user, fresh, changes, action=None, audit_action=Action.STATUS,
                            note=f"{BrandAction(action).label}：{note}" if note else str(BrandAction(action).label))


# --- materials (brands and model branches) -------------------------------------------------------------

def _add_material(user, parent, model, upload, folder, **extra):
    _ext, content_type = uploads.check_upload(upload, MATERIAL_MAX_SIZE)
    with transaction.atomic():
        type(parent).objects.select_for_update().get(pk=parent.pk)
        if not user.can("change", parent):
            _refuse(user, parent, _("您没有执行此操作的权限"))

    def write(fields):
        obj = model(**{model.parent_field: parent}, uploaded_by=user if getattr(user, "pk", None) else None,
                    **extra, **fields)
        obj.full_clean()
        obj.save()
        audit.record(user, Action.CREATE, obj, after={"original_name": obj.original_name, "size": obj.size,
                                                      "sha256": obj.sha256, model.parent_field: parent.pk})
        return obj

    return uploads.keep(upload, folder, content_type, write)


def add_brand_material(user, project, upload):
    return _add_material(user, project, BrandMaterial, upload, "recognition")


def add_model_branch_material(user, cycle, upload, stage=None):
    return _add_material(user, cycle, ModelBranchMaterial, upload, "recognition", stage=stage or cycle.stage)


def delete_material(user, material):
    parent = getattr(material, material.parent_field)
    with transaction.atomic():
        if not user.can("change", parent):
            _refuse(user, parent, _("您没有执行此操作的权限"))
        path, pk, text = material.stored_path, material.pk, str(material)
        type(material).objects.filter(pk=pk).delete()
        audit.record(user, Action.DELETE, model=material._meta.label_lower, object_id=pk, object_repr=text,
                     before={"original_name": text, material.parent_field: parent.pk})
        transaction.on_commit(lambda: uploads.storage().delete(path))


# --- model branches ------------------------------------------------------------------------------------

def create_batch(user, **fields):
    return audit.create(user, ModelBranchBatch(**fields))


def update_batch(user, batch, changes, expected_version=None):
    return audit.update(user, batch, {k: v for k, v in changes.items() if k in ("name", "year", "note")},
                        expected_version=expected_version)


def apply_model_branch(user, *, batch, branch, applied_on, plan="", today=None):
    """A branch applies to a batch (by the branch or the batch's committee)."""
    cycle = ModelBranch(batch=batch, branch=branch, applied_on=applied_on, plan=plan)
    with transaction.atomic():
        if branch.kind != Kind.BRANCH:
            raise BusinessRuleError(_("“%(o)s”不是党支部，只有党支部可以申报样板支部") % {"o": branch})
        if not branch.path.startswith(batch.organization.path):
            raise BusinessRuleError(_("“%(o)s”不在“%(b)s”的组织单位“%(u)s”之下")
                                    % {"o": branch, "b": batch, "u": batch.organization})
        if branch.dissolved_on and branch.dissolved_on <= applied_on:
            raise BusinessRuleError(_("党支部“%(o)s”已于 %(d)s 撤销") % {"o": branch, "d": _fmt(branch.dissolved_on)})
        if applied_on > _today(today):
            raise BusinessRuleError(_("申报日期 %(d)s 晚于今天") % {"d": _fmt(applied_on)})
        if ModelBranch.objects.filter(batch=batch, branch=branch).exists():
            raise BusinessRuleError(_("“%(o)s”已申报“%(b)s”") % {"o": branch, "b": batch})
        return audit.create(user, cycle)


MODEL_BRANCH_TRANSITIONS = {
    (ModelBranchStage.APPLIED, ModelBranchAction.APPROVE, True): ModelBranchStage.CULTIVATING,
    (ModelBranchStage.APPLIED, ModelBranchAction.APPROVE, False): ModelBranchStage.FAILED,
    (ModelBranchStage.CULTIVATING, ModelBranchAction.MIDTERM, True): ModelBranchStage.MIDTERM_PASSED,
    (ModelBranchStage.CULTIVATING, ModelBranchAction.MIDTERM, False): ModelBranchStage.FAILED,
    (ModelBranchStage.MIDTERM_PASSED, ModelBranchAction.ACCEPT, True): ModelBranchStage.ACCEPTED,
    (ModelBranchStage.MIDTERM_PASSED, ModelBranchAction.ACCEPT, False): ModelBranchStage.FAILED,
}


def due_dates(cycle):
    """(mid-term due, acceptance due) of a cycle that has been approved, else (None, None)."""
    if not cycle.approved_on:
        return None, None
    return add_years(cycle.approved_on, 1), add_years(cycle.approved_on, CYCLE_YEARS)


def act_on_model_branch(user, cycle, action, *, passed, on_date, note="", honor_level=HonorLevel.UNIVERSITY,
                        expected_version=None, today=None):
    """Approve (立项), review at mid-term or accept a cycle, passed or not, by the batch's committee.
    Acceptance that passes names the branch a model branch: an Honor of kind model_branch, in the same
    transaction."""
    with transaction.atomic():
        fresh = ModelBranch.objects.select_for_update(of=("self",)).select_related("batch__organization", "branch").get(
            pk=cycle.pk)
        batch = fresh.batch
        if not user.can("change", batch):
            _refuse(user, fresh, _("样板支部的立项、中期检查和验收由“%(o)s”进行") % {"o": batch.organization})
        if expected_version is not None and int(expected_version) != fresh.version:
            raise audit.stale_edit(fresh, int(expected_version))
        try:
            new = MODEL_BRANCH_TRANSITIONS[(fresh.stage, action, bool(passed))]
        except KeyError:
            raise BusinessRuleError(_("当前阶段为“%(s)s”，不能%(a)s")
                                    % {"s": fresh.get_stage_display(), "a": ModelBranchAction(action).label}) from None
        if on_date > _today(today):
            raise BusinessRuleError(_("日期 %(d)s 晚于今天") % {"d": _fmt(on_date)})
        changes = {"stage": new}
        if action == ModelBranchAction.APPROVE:
            if on_date < fresh.applied_on:
                raise BusinessRuleError(_("立项日期不能早于申报日期 %(d)s") % {"d": _fmt(fresh.applied_on)})
            changes["approved_on"] = on_date
        elif action == ModelBranchAction.MIDTERM:
            if on_date <= fresh.approved_on:
                raise BusinessRuleError(_("中期检查日期须晚于立项日期 %(d)s") % {"d": _fmt(fresh.approved_on)})
            changes.update(midterm_on=on_date, midterm_note=note)
        else:
            earliest = add_years(fresh.approved_on, CYCLE_YEARS) - timedelta(days=ACCEPT_GRACE_DAYS)
            if passed and on_date < earliest:
                raise BusinessRuleError(_("样板支部创建周期为两年（%(a)s 立项），最早于 %(e)s 验收")
                                        % {"a": _fmt(fresh.approved_on), "e": _fmt(earliest)})
            if on_date < fresh.midterm_on:
                raise BusinessRuleError(_("验收日期不能早于中期检查日期 %(d)s") % {"d": _fmt(fresh.midterm_on)})
            changes.update(accepted_on=on_date, acceptance_note=note)
        label = f"{ModelBranchAction(action).label}（{_('通过') if passed else _('未通过')}）"
        updated = audit.update(user, fresh, changes, action=None, audit_action=Action.STATUS,
                               note=f"{label}：{note}" if note else label)
        if new == ModelBranchStage.ACCEPTED:
            honor = Honor(kind=HonorKind.MODEL_BRANCH, level=honor_level, year=on_date.year, awarded_on=on_date,
                          title=_("%(b)s党建工作样板支部") % {"b": batch.name}, issuer=batch.organization.name,
                          organization=fresh.branch, model_branch=updated)
            audit.create(user, honor, action=None)
        return updated


# --- honours and role models ---------------------------------------------------------------------------

HONOR_FIELDS = ("kind", "level", "title", "year", "awarded_on", "issuer", "organization", "person", "note")


def membership_org(person, on_date):
    """The organisation holding `person`'s membership on `on_date` (else their record's organisation)."""
    m = Membership.objects.on(on_date).filter(person=person).select_related("organization").first()
    return m.organization if m else person.organization


def _check_honor(honor, today):
    this_year = _today(today).year
    if honor.year > this_year:
        raise BusinessRuleError(_("荣誉年度 %(y)s 晚于今年（%(t)s），请在授予后登记")
                                % {"y": honor.year, "t": this_year})
    if honor.year < 1921:
        raise BusinessRuleError(_("荣誉年度 %(y)s 无效") % {"y": honor.year})
    if honor.awarded_on:
        if honor.awarded_on > _today(today):
            raise BusinessRuleError(_("授予日期 %(d)s 晚于今天") % {"d": _fmt(honor.awarded_on)})
        if honor.awarded_on.year != honor.year:
            raise BusinessRuleError(_("授予日期 %(d)s 不在荣誉年度 %(y)s 内") % {"d": _fmt(honor.awarded_on),
                                                                          "y": honor.year})
    collective = honor.kind in COLLECTIVE
    if collective and honor.person_id:
        raise BusinessRuleError(_("“%(k)s”是集体荣誉，不能授予个人") % {"k": honor.get_kind_display()})
    if not collective and not honor.person_id:
        raise BusinessRuleError(_("“%(k)s”是个人荣誉，请选择获奖个人") % {"k": honor.get_kind_display()})
    if not collective:
        honor.organization = membership_org(honor.person, honor.awarded_on or date(honor.year, 12, 31))
    if honor.kind == HonorKind.MODEL_BRANCH and honor.organization.kind != Kind.BRANCH:
        raise BusinessRuleError(_("“党建工作样板支部”只能授予党支部，“%(o)s”不是党支部") % {"o": honor.organization})
    twins = Honor.objects.filter(kind=honor.kind, title=honor.title, year=honor.year,
                                 organization=honor.organization, person=honor.person).exclude(pk=honor.pk)
    if twins.exists():
        raise BusinessRuleError(_("%(y)s 年“%(t)s”已登记给%(r)s") % {"y": honor.year, "t": honor.title,
                                                                "r": honor.person or honor.organization})


def record_honor(user, today=None, **fields):
    honor = Honor(**{k: v for k, v in fields.items() if k in HONOR_FIELDS})
    with transaction.atomic():
        _check_honor(honor, today)
        return audit.create(user, honor)


def update_honor(user, honor, changes, expected_version=None, today=None):
    changes = {k: v for k, v in changes.items() if k in HONOR_FIELDS}
    with transaction.atomic():
        draft = Honor.objects.get(pk=honor.pk)
        if draft.model_branch_id and {"kind", "organization", "year"} & set(changes):
            raise BusinessRuleError(_("由样板支部验收产生的荣誉，类别、获奖组织和年度随验收记录，不能单独修改"))
        for name, value in changes.items():
            setattr(draft, name, value)
        _check_honor(draft, today)
        changes["organization"] = draft.organization
        return audit.update(user, honor, changes, expected_version=expected_version)


def delete_honor(user, honor):
    with transaction.atomic():
        if Honor.objects.get(pk=honor.pk).model_branch_id:
            raise BusinessRuleError(_("由样板支部验收产生的荣誉不能单独删除"))
        audit.delete(user, honor)


ROLE_MODEL_FIELDS = ("person", "year", "title", "deeds", "honor")


def save_role_model(user, role_model=None, *, expected_version=None, today=None, **fields):
    fields = {k: v for k, v in fields.items() if k in ROLE_MODEL_FIELDS}
    with transaction.atomic():
        draft = RoleModel.objects.get(pk=role_model.pk) if role_model else RoleModel()
        for name, value in fields.items():
            setattr(draft, name, value)
        if draft.year > _today(today).year:
            raise BusinessRuleError(_("选树年度 %(y)s 晚于今年") % {"y": draft.year})
        if draft.honor_id and draft.honor.person_id and draft.honor.person_id != draft.person_id:
            raise BusinessRuleError(_("相关荣誉的获奖人不是该党员"))
        draft.organization = membership_org(draft.person, date(draft.year, 12, 31))
        if role_model is None:
            return audit.create(user, draft)
        fields["organization"] = draft.organization
        return audit.update(user, role_model, fields, expected_version=expected_version)


def delete_role_model(user, role_model):
    audit.delete(user, role_model)
