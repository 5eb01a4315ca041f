# The minimal scenario for Locust: pick the class on the command line (FastUser or SlowUser).
from locust import HttpUser, task
from locust.contrib.fasthttp import FastHttpUser


class FastUser(FastHttpUser):
    @task
    def index(self):
        self.client.get("/")


class SlowUser(HttpUser):
    @task
    def index(self):
        self.client.get("/")
