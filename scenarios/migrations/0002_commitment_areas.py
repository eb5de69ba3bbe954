"""The six areas of the force's Quality of Service Commitment (editable afterwards)."""

from django.db import migrations

AREAS = [
    (
        "easy-to-contact",
        "Making it easy to contact us",
        "Services accessible and responsive to individual, community and business needs: a range of ways "
        "to reach the police, published opening times and contact points, clear information.",
    ),
    (
        "professional-service",
        "Providing a professional and high-quality service",
        "Integrity, fairness, politeness and respect; taking concerns seriously and explaining what will be "
        "done; signposting to the right agency when the police are not it.",
    ),
    (
        "initial-contact",
        "Dealing with your initial contact",
        "Understanding what you are told, explaining how the enquiry will be dealt with, giving an incident "
        "or crime number, passing it to the right department, arranging appointments.",
    ),
    (
        "keeping-informed",
        "Keeping you informed",
        "A reference number and the name and contact details of the person dealing with the enquiry; "
        "updates at an agreed time and in an agreed way.",
    ),
    (
        "your-voice-counts",
        "Ensuring your voice counts",
        "Ways to give views, widely publicised; a response within 10 working days when asked; regular "
        "updates on what has changed as a result.",
    ),
    (
        "victims-of-crime",
        "Victims of crime",
        "The Victims' Code: identifying and supporting vulnerable victims, the victims leaflet, referral "
        "to Victim Support within 2 days, updates on the investigation.",
    ),
]


def add_areas(apps, schema_editor):
    CommitmentArea = apps.get_model("scenarios", "CommitmentArea")
    for order, (slug, name, description) in enumerate(AREAS, start=1):
        CommitmentArea.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description, "order": order}
        )


def remove_areas(apps, schema_editor):
    apps.get_model("scenarios", "CommitmentArea").objects.filter(slug__in=[a[0] for a in AREAS]).delete()


class Migration(migrations.Migration):
    dependencies = [("scenarios", "0001_initial")]

    operations = [migrations.RunPython(add_areas, remove_areas)]
