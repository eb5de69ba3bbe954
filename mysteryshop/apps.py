from django.apps import AppConfig


class MysteryShopConfig(AppConfig):
    name = "mysteryshop"
    verbose_name = "Mystery Shop"
