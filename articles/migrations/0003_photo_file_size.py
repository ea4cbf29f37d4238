from django.db import migrations, models


def measure_stored_photos(apps, schema_editor):
    """Photos uploaded before the field existed: ask the storage for each file's size once, here."""
    Photo = apps.get_model("articles", "Photo")
    for photo in Photo.objects.filter(file_size__isnull=True).exclude(image="").iterator():
        storage = photo.image.storage
        if storage.exists(photo.image.name):
            photo.file_size = storage.size(photo.image.name)
            photo.save(update_fields=["file_size"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_public_corrected_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="photo",
            name="file_size",
            field=models.PositiveBigIntegerField(
                editable=False, null=True, verbose_name="file size in bytes"
            ),
        ),
        migrations.RunPython(measure_stored_photos, migrations.RunPython.noop, elidable=True),
    ]
