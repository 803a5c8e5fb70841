from django.apps import AppConfig


class PeerSiteConfig(AppConfig):
    name = "peer_site"
