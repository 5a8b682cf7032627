"""The 附件与照片 tab of a meeting, upload, download (only after a scope check) and delete."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from core import uploads
from core.errors import NotInScope
from core.registry import detail_tabs
from core.views import ObjectActionView

from . import files
from .models import AgendaItem, Meeting, MeetingFile


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control", "multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = data if isinstance(data, (list, tuple)) else [data]
        items = [f for f in items if f]
        if not items:
            raise ValidationError(_("请选择要上传的文件"))
        return [super(MultipleFileField, self).clean(f, initial) for f in items]


class UploadForm(forms.Form):
    files = MultipleFileField(label=gettext_lazy("文件"))
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=MeetingFile.FileKind.choices,
                             widget=forms.Select(attrs={"class": "form-select"}))
    agenda_item = forms.ModelChoiceField(label=gettext_lazy("所属议题（学习材料）"), required=False,
                                         queryset=AgendaItem.objects.none(),
                                         widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this meeting's items: the meeting itself was found through restrict().
        self.fields["agenda_item"].queryset = AgendaItem.objects.filter(meeting=meeting)


def visible_files(user, action="view"):
    return MeetingFile.objects.restrict(user, action).select_related("meeting__organization", "agenda_item")


def meeting_files_tab(request, meeting):
    user = request.user
    rows = list(visible_files(user).filter(meeting=meeting).select_related("uploaded_by"))
    can_upload = user.can("change", meeting)
    for f in rows:
        f.can_delete = can_upload and user.can("delete", f)
    return "meetings/_meeting_files.html", {
        "files": [f for f in rows if f.kind == MeetingFile.FileKind.ATTACHMENT],
        "photos": [f for f in rows if f.kind == MeetingFile.FileKind.PHOTO],
        "upload_form": UploadForm(meeting=meeting) if can_upload else None,
        "limits": {k: v // files.MB for k, v in files.MAX_SIZE.items()},
        "allowed_types": uploads.ALLOWED_TEXT,
    }


detail_tabs.register("files", gettext_lazy("附件与照片"), meeting_files_tab, model="meetings.meeting", order=40)


@login_required
@require_POST
def upload(request, pk):
    meeting = Meeting.objects.restrict(request.user, "view").filter(pk=pk).first()
    if meeting is None:
        raise Http404(_("未找到该记录"))
    if not request.user.can("change", meeting):
        raise PermissionDenied(_("您没有修改该会议的权限"))
    url = reverse("meetings:meeting_detail", args=[meeting.pk]) + "?tab=files"
    form = UploadForm(request.POST, request.FILES, meeting=meeting)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect(url)
    kind = form.cleaned_data["kind"]
    uploads = form.cleaned_data["files"]
    # Every file is checked before any is stored: a batch goes in whole or not at all.
    refused = []
    for up in uploads:
        try:
            files.check_upload(up, kind)
        except ValidationError as exc:
            refused.extend(exc.messages)
    if refused:
        for msg in refused:
            messages.error(request, msg)
        messages.error(request, _("有文件未通过检查，本次没有上传任何文件"))
        return redirect(url)
    done = []
    try:
        for up in uploads:
            done.append(files.add_file(request.user, meeting, up, kind=kind,
                                       agenda_item=form.cleaned_data["agenda_item"]))
    except ValidationError as exc:
        messages.error(request, pgettext("list separator", "；").join(exc.messages))
    except (NotInScope, PermissionDenied):
        raise Http404(_("未找到该记录")) from None
    if done:
        messages.success(request, _("已上传 %(count)d 个文件") % {"count": len(done)})
    return redirect(url)


@login_required
def download(request, pk):
    obj = visible_files(request.user).filter(pk=pk).first()
    if obj is None:
        raise Http404(_("未找到该记录"))
    return uploads.serve(obj, inline_images=True)


class FileDeleteView(ObjectActionView):
    model = MeetingFile
    title = gettext_lazy("删除附件")
    permission_action = "delete"
    confirm_text = gettext_lazy("文件将从服务器删除，不可恢复；删除操作记入审计日志。")

    def get_object(self):
        obj = super().get_object()
        if not self.request.user.can("change", obj.meeting):
            raise PermissionDenied(_("您没有修改该会议的权限"))
        return obj

    def perform(self, form):
        meeting_id = self.object.meeting_id
        files.delete_file(self.request.user, self.object)
        return reverse("meetings:meeting_detail", args=[meeting_id]) + "?tab=files"
