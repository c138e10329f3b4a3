"""The documentation's generated parts: the data-model diagram (manage.py draw_data_model)."""

import pytest
from django.core.management import CommandError, call_command

from registry.management.commands.draw_data_model import mermaid


def test_the_diagram_draws_every_record_its_keys_and_links_but_no_history_table():
    text = mermaid()
    assert "```mermaid\nerDiagram\n" in text
    assert "    Deployment {\n        BigAuto id PK\n" in text
    assert "        Slug slug UK\n" in text
    assert "        BigInteger country_id FK\n" in text
    assert "    Deployment }o--|| Country : country\n" in text  # a required foreign key
    assert "    Deployment }o--o| PublicBody : operator\n" in text  # an optional one
    assert "    Deployment }o--o{ Technology : technologies\n" in text  # many-to-many
    assert "    DeploymentVendor }o--|| Vendor : vendor\n" in text  # a link model drawn with its keys
    assert "Deployment }o--o{ Vendor" not in text  # ... not again as a many-to-many
    assert "    Event {\n" in text  # a deployment's events are records (deployments.Event) ...
    assert "DeploymentEvent {" not in text and "EventEvent {" not in text  # ... history tables are not


def test_check_fails_when_the_file_is_out_of_date_and_passes_once_written(tmp_path):
    output = tmp_path / "diagram.md"
    output.write_text("an old diagram")
    with pytest.raises(CommandError, match="not up to date"):
        call_command("draw_data_model", output=output, check=True)
    call_command("draw_data_model", output=output)
    assert output.read_text() == mermaid()
    call_command("draw_data_model", output=output, check=True)
