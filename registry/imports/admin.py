"""Import and export in the curator admin: one mixin, in the bases of every ModelAdmin of the registry.

- Import (curators and reviewers only, with the model's add and change permissions): upload CSV or
  XLSX, see a dry-run preview (new, changed and unchanged rows; refused rows with their row number,
  column and message), then confirm. The file is written whole or not at all, new and changed
  records arrive as drafts, and the history events carry the importing user and "import <file>"
  (registry/imports/resources.py does all of that, the same for the ``import_records`` command).
- Export (anyone with the view permission): the export button of a changelist keeps its filters and
  search, so the file holds every record the filtered list holds (not one page); CSV or XLSX, text
  cells escaped against formula injection.

The permissions are checked by the import and export views themselves, not only by hiding buttons.

A file that is not a well-formed table (wrong encoding, binary, cut short, ...) is refused with the
message of registry/imports/files.py, at the preview and at the confirmation, never a server error.
An upload larger than ``settings.REGISTRY_MAX_IMPORT_MB`` is refused from its Content-Length, before
the view reads it (and from its size, should the header be missing), never parsed.

The confirmation names the file its preview kept by a token signed for the user who uploaded it
(``kept_file_token``): a name of any other file (of the temporary directory, or another user's
upload) is refused, never read nor deleted.
"""

import contextlib

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.template.response import TemplateResponse
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats

from registry.curation.roles import is_curator
from registry.imports.files import IMPORT_FORMATS, ImportFileError
from registry.imports.resources import resource_for

KEPT_FILE_MAX_AGE = 24 * 3600  # seconds a preview may wait for its confirmation
NOT_YOUR_FILE = (
    "Nothing was imported: this confirmation names no file of your preview. Upload the file again."
)


def kept_file_token(request, name: str) -> str:
    """The temporary file ``name`` of this user's preview, signed for this user."""
    return signing.dumps(name, salt=f"registry.imports.kept-file.{request.user.pk}")


def kept_file_name(request, token: str) -> str | None:
    """The file a token of ``kept_file_token()`` names, or None if it is not this user's (or too old)."""
    try:
        return signing.loads(
            token, salt=f"registry.imports.kept-file.{request.user.pk}", max_age=KEPT_FILE_MAX_AGE
        )
    except signing.BadSignature:
        return None


def max_import_bytes() -> int:
    return int(settings.REGISTRY_MAX_IMPORT_MB * 1024 * 1024)


def too_large(size: int) -> str:
    """Why an upload of ``size`` bytes is refused ('' if it is not)."""
    if size <= max_import_bytes():
        return ""
    return (
        f"The file is too large to import here ({size / 1024 / 1024:.1f} MB; the limit is "
        f"{settings.REGISTRY_MAX_IMPORT_MB:g} MB). Split it, or ask an administrator to run "
        "manage.py import_records."
    )


class ImportExportAdminMixin(ImportExportMixin):
    import_formats = list(IMPORT_FORMATS.values())
    export_formats = [base_formats.CSV, base_formats.XLSX]
    import_error_display = ("message", "row")
    # Refused rows written out, unchanged rows counted, changes to published records counted.
    import_template_name = "admin/registry/import.html"

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

    def import_action(self, request, **kwargs):
        if request.method == "POST":
            refusal = too_large(int(request.META.get("CONTENT_LENGTH") or 0))
            if refusal:  # refused before the body is read
                return self.refused_file_response(request, refusal, status=413)
        return super().import_action(request, **kwargs)

    def create_import_form(self, request):
        form = super().create_import_form(request)
        upload = request.FILES.get("import_file") if request.method == "POST" else None
        if upload is not None and too_large(upload.size):
            form.add_error("import_file", too_large(upload.size))
        return form

    def write_to_tmp_storage(self, import_file, input_format):
        tmp_storage = self.get_tmp_storage_class()(
            encoding=None, read_mode=input_format.get_read_mode(), **self.get_tmp_storage_class_kwargs()
        )
        tmp_storage.save(b"".join(import_file.chunks()))  # (the library appends chunk by chunk)
        return tmp_storage

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ImportFileError):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if initial.get("import_file_name"):
            initial["import_file_name"] = kept_file_token(request, initial["import_file_name"])
        return initial

    def create_confirm_form(self, request, import_form=None):
        """The confirmation's form, whose file name is the one its token signs for this user."""
        form = super().create_confirm_form(request, import_form)
        if import_form is None and form.is_valid():
            name = kept_file_name(request, form.cleaned_data["import_file_name"])
            if name is None:
                form.add_error("import_file_name", NOT_YOUR_FILE)
            else:
                form.cleaned_data["import_file_name"] = name
        return form

    def process_import(self, request, **kwargs):
        """The confirmation: the file kept since the preview is read again, and may be refused."""
        if (
            request.method == "POST"
            and self.has_import_permission(request)  # else the library's 403
            and "import_file_name" in self.create_confirm_form(request).errors
        ):
            return self.refused_file_response(request, NOT_YOUR_FILE, status=400)
        try:
            return super().process_import(request, **kwargs)
        except ImportFileError as error:
            self.discard_kept_file(request)
            return self.refused_file_response(request, f"Nothing was imported: {error}")
        except OSError:  # the kept file is gone (or the form named no file of ours)
            return self.refused_file_response(
                request, "Nothing was imported: the uploaded file is no longer here. Upload it again."
            )

    def discard_kept_file(self, request):
        form = self.create_confirm_form(request)
        if form.is_valid():
            storage = self.get_tmp_storage_class()(
                name=form.cleaned_data["import_file_name"], **self.get_tmp_storage_class_kwargs()
            )
            with contextlib.suppress(OSError):
                storage.remove()

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
        return self.import_page(request, result=result)

    def refused_file_response(self, request, message: str, status: int = 200):
        messages.error(request, message)
        return self.import_page(request, status=status)

    def import_page(self, request, result=None, status: int = 200):
        """The import page with an empty form (and the refused rows of ``result``)."""
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
        return TemplateResponse(request, [self.import_template_name], context, status=status)
