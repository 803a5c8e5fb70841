"""The directive's checklist (desk/evaluation/defaults.py) as version 1 of the default template.
``manage.py evaluation_default_template`` loads the same data where this has not run."""

from django.db import migrations


def load(apps, schema_editor):
    from desk.evaluation import defaults

    Template = apps.get_model("evaluation", "Template")
    Axis = apps.get_model("evaluation", "Axis")
    Indicator = apps.get_model("evaluation", "Indicator")
    if Template.objects.filter(code=defaults.CODE).exists():
        return
    template = Template.objects.create(
        code=defaults.CODE, version=1, title=defaults.TITLE, description=defaults.DESCRIPTION
    )
    for a_order, axis_spec in enumerate(defaults.AXES, start=1):
        axis = Axis.objects.create(
            template=template, order=a_order, title=axis_spec["title"], weight=axis_spec["weight"]
        )
        for i_order, spec in enumerate(axis_spec["indicators"], start=1):
            Indicator.objects.create(axis=axis, order=i_order, levels=defaults.LEVELS, **spec)


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
