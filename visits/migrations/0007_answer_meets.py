from django.db import migrations, models


def record_verdicts(apps, schema_editor):
    """Give every answer of a sent report its verdict, by the rules of its question."""
    from scenarios.models import Question as LiveQuestion

    Answer = apps.get_model("visits", "Answer")
    sent = Answer.objects.exclude(submission__status__in=["draft", "returned"]).select_related("question")
    changed = []
    for answer in sent.iterator(chunk_size=2000):
        q = answer.question
        rules = LiveQuestion(
            kind=q.kind,
            commitment_area_id=q.commitment_area_id,
            expected_answer=q.expected_answer,
            minimum=q.minimum,
            maximum=q.maximum,
        )
        answer.meets = rules.meets_commitment(answer.value)
        changed.append(answer)
    Answer.objects.bulk_update(changed, ["meets"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("visits", "0006_evidence"),
        ("scenarios", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="answer",
            name="meets",
            field=models.BooleanField(blank=True, null=True),
        ),
        migrations.RunPython(record_verdicts, migrations.RunPython.noop),
    ]
