"""Track changes of user accounts (role, units, active, contact details).

Existing accounts get a first history row so the first later change shows
what it changed.
"""

import django.contrib.auth.validators
import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

TRACKED = [
    "id",
    "is_superuser",
    "username",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "is_active",
    "date_joined",
    "role",
    "position",
    "phone",
    "notify_by_email",
]


def start_history(apps, schema_editor):
    User = apps.get_model("core", "User")
    HistoricalUser = apps.get_model("core", "HistoricalUser")
    moment = timezone.now()
    HistoricalUser.objects.bulk_create(
        HistoricalUser(
            **{name: getattr(user, name) for name in TRACKED},
            history_date=moment,
            history_type="+",
            history_change_reason="History started",
        )
        for user in User.objects.iterator()
    )


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_machinery'),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalUser',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('is_superuser', models.BooleanField(default=False, help_text='Designates that this user has all permissions without explicitly assigning them.', verbose_name='superuser status')),
                ('username', models.CharField(db_index=True, error_messages={'unique': 'A user with that username already exists.'}, help_text='Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.', max_length=150, validators=[django.contrib.auth.validators.UnicodeUsernameValidator()], verbose_name='username')),
                ('first_name', models.CharField(blank=True, max_length=150, verbose_name='first name')),
                ('last_name', models.CharField(blank=True, max_length=150, verbose_name='last name')),
                ('email', models.EmailField(blank=True, max_length=254, verbose_name='email address')),
                ('is_staff', models.BooleanField(default=False, help_text='Designates whether the user can log into this admin site.', verbose_name='staff status')),
                ('is_active', models.BooleanField(default=True, help_text='Designates whether this user should be treated as active. Unselect this instead of deleting accounts.', verbose_name='active')),
                ('date_joined', models.DateTimeField(default=django.utils.timezone.now, verbose_name='date joined')),
                ('role', models.CharField(choices=[('office', 'Cooperation office staff'), ('head', 'Head of the cooperation office'), ('leader', 'Leadership'), ('unit', 'Unit staff'), ('auditor', 'Quality auditor')], default='unit', max_length=20, verbose_name='role')),
                ('position', models.CharField(blank=True, max_length=200, verbose_name='position')),
                ('phone', models.CharField(blank=True, max_length=50, verbose_name='phone')),
                ('notify_by_email', models.BooleanField(default=True, help_text='When off, notifications appear in Mitra only.', verbose_name='also send notifications by email')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.TextField(null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical user',
                'verbose_name_plural': 'historical users',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(start_history, migrations.RunPython.noop),
    ]
