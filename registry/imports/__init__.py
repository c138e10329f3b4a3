"""The import and export engine (django-import-export): natural-key files, validation in batches,
all-or-nothing writes through COPY, formula-safe exports. Used by the admin and the commands."""
