from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import StoredFile, VersionedModel
from core.scoping import ScopedQuerySet
from members.models import Person
from orgs.models import Organization

from .choices import AttendanceStatus, Kind, Status


class Campaign(VersionedModel):
    """主题教育: a time-boxed campaign that meetings can belong to, run by an organisation for its subtree."""

    name = models.CharField(_("名称"), max_length=100)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="campaigns",
                                     verbose_name=_("组织单位"))
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    note = models.TextField(_("说明"), blank=True)

    scope_path_field = "organization__path"
    scope_org_field = "organization_id"

    class Meta:
        verbose_name = _("主题教育")
        verbose_name_plural = _("主题教育")
        ordering = ["-starts_on"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("meetings:campaign_detail", args=[self.pk])

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("结束日期不能早于开始日期")})


class Meeting(VersionedModel):
    """One meeting or study session, recorded once; every count and compliance gap derives from these."""

    kind = models.CharField(_("类别"), max_length=30, choices=Kind.choices)
    enlarged = models.BooleanField(_("扩大会议"), default=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="meetings",
                                     verbose_name=_("组织"))
    title = models.CharField(_("主题"), max_length=200)
    held_on = models.DateField(_("日期"), db_index=True)
    starts_at = models.TimeField(_("开始时间"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.HELD)
    host = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("主持人"))
    recorder = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("记录人"))
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="meetings", verbose_name=_("主题教育"))
    minutes = models.TextField(_("会议记录"), blank=True)
    resolutions = models.TextField(_("决议事项"), blank=True)
    # Derived from the agenda (services keep it): lets the first-topic figures count without a join.
    has_first_topic = models.BooleanField(_("含第一议题"), default=False, editable=False)
    # The top-level organisation (the sharding key; kept by orgs.top): an integer, not a key across shards.
    top_id = models.IntegerField(_("顶层组织"), null=True, editable=False, db_index=True)

    scope_path_field = "organization__path"
    scope_org_field = "organization_id"
    audit_exclude = (*VersionedModel.audit_exclude, "top_id")  # derived, like the path

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["organization", "kind", "held_on"]),
                   models.Index(fields=["kind", "held_on"])]

    def __str__(self):
        return f"{self.held_on} {self.get_kind_display()}：{self.title}"

    def get_absolute_url(self):
        return reverse("meetings:meeting_detail", args=[self.pk])


class AgendaItem(models.Model):
    """An item of a meeting's agenda, in order; the first may be the first topic (第一议题)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda", verbose_name=_("会议"))
    order = models.PositiveSmallIntegerField(_("序号"), default=1)
    title = models.CharField(_("议题"), max_length=200)
    is_first_topic = models.BooleanField(_("第一议题"), default=False)
    material_title = models.CharField(_("学习材料"), max_length=200, blank=True)
    material_source = models.CharField(_("材料来源"), max_length=200, blank=True)
    material_link = models.URLField(_("材料链接"), blank=True)

    class Meta:
        verbose_name = _("议题")
        verbose_name_plural = _("议题")
        ordering = ["meeting", "order"]
        constraints = [models.UniqueConstraint(fields=["meeting", "order"], name="agenda_order_unique")]

    def __str__(self):
        return f"{self.order}. {self.title}"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance",
                                verbose_name=_("会议"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendance", verbose_name=_("人员"))
    status = models.CharField(_("出席情况"), max_length=10, choices=AttendanceStatus.choices)
    reason = models.CharField(_("请假事由"), max_length=200, blank=True)
    # The top-level organisation (the sharding key; kept by orgs.top): an integer, not a key across shards.
    top_id = models.IntegerField(_("顶层组织"), null=True, editable=False, db_index=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "meeting__organization__path"
    scope_org_field = "meeting__organization_id"
    scope_person_field = "person_id"

    class Meta:
        verbose_name = _("出席记录")
        verbose_name_plural = _("出席记录")
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="attendance_once")]

    def __str__(self):
        return f"{self.person} {self.get_status_display()}"

    def scope_organization(self):
        return self.meeting.organization


class CentralGroupMember(VersionedModel):
    """理论学习中心组: who belongs to a committee's central group, from one date to another."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="central_group",
                                     verbose_name=_("党委"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="central_groups",
                               verbose_name=_("成员"))
    valid_from = models.DateField(_("起始日期"))
    valid_to = models.DateField(_("截止日期"), null=True, blank=True)

    scope_path_field = "organization__path"
    scope_org_field = "organization_id"
    scope_person_field = "person_id"

    class Meta:
        verbose_name = _("中心组成员")
        verbose_name_plural = _("中心组成员")
        ordering = ["organization", "valid_from"]

    def __str__(self):
        return f"{self.organization} {self.person}"

    def get_absolute_url(self):
        return self.organization.get_absolute_url()


class MeetingFile(StoredFile):
    """An attachment or photo of a meeting (or study material of one agenda item).

    The bytes live under MEDIA_ROOT at `stored_path` (meetings/<yyyy>/<uuid>), a name that says nothing
    about the file; they are only ever served by meetings.file_views after a scope check.
    """

    class FileKind(models.TextChoices):
        ATTACHMENT = "attachment", _("附件")
        PHOTO = "photo", _("照片")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="files", verbose_name=_("会议"))
    kind = models.CharField(_("类型"), max_length=20, choices=FileKind.choices, default=FileKind.ATTACHMENT)
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="files", verbose_name=_("所属议题"))

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "meeting__organization__path"
    scope_org_field = "meeting__organization_id"
    # No person field: a member sees the files of the organisation they are assigned on.
    scope_person_field = None

    class Meta:
        verbose_name = _("会议附件")
        verbose_name_plural = _("会议附件")
        ordering = ["meeting", "kind", "uploaded_at", "id"]

    def get_absolute_url(self):
        return reverse("meetings:file_download", args=[self.pk])

    def scope_organization(self):
        return self.meeting.organization
