"""Import and export in the curator admin: one mixin, in the bases of every ModelAdmin of the registry.

- Import (curators and reviewers only, with the model's add and change permissions): upload CSV or
  XLSX, see a dry-run preview (new, changed and unchanged rows; refused rows with their row number,
  column and message), then confirm. The file is written whole or not at all, new and changed
  records arrive as drafts, and the history events carry the importing user and "import <file>"
  (registry/resources.py does all of that, the same for the ``import_records`` command).
- Export (anyone with the view permission): the export button of a changelist keeps its filters and
  search, so the file holds every record the filtered list holds (not one page); CSV or XLSX, text
  cells escaped against formula injection.

The permissions are checked by the import and export views themselves, not only by hiding buttons.
"""

from django.contrib import messages
from django.template.response import TemplateResponse
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats

from registry.resources import resource_for
from registry.roles import is_curator


class ImportExportAdminMixin(ImportExportMixin):
    formats = [base_formats.CSV, base_formats.XLSX]
    import_error_display = ("message", "row")

    def get_resource_classes(self, request):
        return [resource_for(self.model)]

    def has_import_permission(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            return False
        # Asked several times per page: look the role up once per request.
        if not hasattr(request, "_may_import_records"):
            request._may_import_records = is_curator(request.user)
        return request._may_import_records

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def process_result(self, result, request):
        """After the confirmed import: success, or (a row refused meanwhile) nothing written."""
        if result.has_errors() or result.has_validation_errors():
            return self.refused_import_response(result, request)
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        super().add_success_message(result, request)
        if getattr(self.model, "review_status", None) is not None:
            messages.info(request, "New and changed records were saved as drafts: a reviewer publishes them.")

    def refused_import_response(self, result, request):
        messages.error(
            request, "Nothing was imported: the rows below were refused. Correct them and upload again."
        )
        form = self.get_import_form_class(request)(
            self.get_import_formats(), self.get_import_resource_classes(request)
        )
        context = {
            **self.admin_site.each_context(request),
            **self.get_import_context_data(),
            "title": "Import",
            "form": form,
            "opts": self.model._meta,
            "media": self.media + form.media,
            "result": result,
            "fields_list": [],
            "import_error_display": self.import_error_display,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)
