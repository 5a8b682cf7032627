"""GET /api/reports/annual/?org=<id>&year=&as_of=: the annual report's figures, {code: value}, counted in
the caller's scope (reports.annual.build); an organisation outside it is 404, like any record."""
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import authentication, exceptions, serializers, views
from rest_framework.response import Response

from core.api import AccountReady
from core.viewsets import ERRORS
from orgs.models import Organization

from .. import annual


class AnnualQuerySerializer(serializers.Serializer):
    org = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1,
                                   help_text=gettext_lazy("组织编号；默认为您可查看的最高一级组织"))
    year = serializers.IntegerField(required=False, min_value=1900, max_value=9999,
                                    help_text=gettext_lazy("年度；默认为今年"))
    as_of = serializers.DateField(required=False, help_text=gettext_lazy(
        "统计截至日期 YYYY-MM-DD；默认为年末（当年为今天）"))


class AnnualReportSerializer(serializers.Serializer):
    organization = serializers.IntegerField(help_text=gettext_lazy("组织编号"))
    organization_name = serializers.CharField(help_text=gettext_lazy("组织名称"))
    year = serializers.IntegerField()
    as_of = serializers.DateField()
    figures = serializers.DictField(child=serializers.FloatField(allow_null=True), help_text=gettext_lazy(
        "统计项编码 → 数值；null 表示该期间无数据，或所属模块尚未上线"))


class AnnualReportView(views.APIView):
    authentication_classes = [authentication.TokenAuthentication, authentication.SessionAuthentication]
    permission_classes = [AccountReady]

    @extend_schema(
        operation_id="reports_annual",
        summary=gettext_lazy("年度工作报告的统计数值"),
        description=gettext_lazy("某组织（含下级组织）某年度各统计项的数值，按当前用户的范围统计。"),
        parameters=[AnnualQuerySerializer],
        responses={200: AnnualReportSerializer, **{code: ERRORS[code] for code in (400, 401, 403, 404)}},
    )
    def get(self, request):
        query = AnnualQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        visible = Organization.objects.restrict(request.user, "view")
        if "org" in params:
            org = visible.filter(pk=params["org"]).first()
        else:
            org = visible.order_by("depth", "path").first()
        if org is None:
            raise exceptions.NotFound(_("未找到该记录"))
        year = params.get("year") or timezone.localdate().year
        report = annual.build(request.user, org, year, params.get("as_of"))
        return Response({"organization": org.pk, "organization_name": org.name, "year": year,
                         "as_of": report.as_of.isoformat(), "figures": report.values()})
