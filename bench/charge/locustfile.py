"""The users of the load test (bench/charge/run.py starts gunicorn and this file, headless).

Three kinds of users, run one kind at a time at 1/4/8/16 concurrent users:
- Minimal: /sante/, the view without database (the yardstick of the same run);
- Public: the public site (home, the workshops list, a session page, the places);
- Pro: the espace pro, signed in: one user in two is the demo prescripteur (home, people
  list, a person's file), the other the demo médiateur (sessions list, activities).

Every user fires its next request as soon as the last one is answered (no think time): the
figures are the server's capacity, not a model of real visitors. The pages and the session
cookies come from the JSON file named by CHARGE_TARGETS (written by run.py).
"""

import itertools
import json
import os

from locust import FastHttpUser, constant, task

TARGETS = json.loads(open(os.environ["CHARGE_TARGETS"], encoding="utf-8").read())
_personas = itertools.count()


class _Base(FastHttpUser):
    abstract = True
    wait_time = constant(0)
    cookie = None

    def get(self, path, name):
        headers = {"Cookie": self.cookie} if self.cookie else {}
        # A redirect (to the sign-in page) is a failure, never followed.
        with self.client.get(
            path, name=name, headers=headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")


class Minimal(_Base):
    @task
    def sante(self):
        self.get("/sante/", "sante")


class Public(_Base):
    def on_start(self):
        self.pages = itertools.cycle(TARGETS["public"].items())

    @task
    def page(self):
        name, path = next(self.pages)
        self.get(path, name)


class Pro(_Base):
    def on_start(self):
        persona = ("prescripteur", "mediateur")[next(_personas) % 2]
        self.cookie = TARGETS["cookies"][persona]
        self.pages = itertools.cycle(TARGETS["pro"][persona].items())

    @task
    def page(self):
        name, path = next(self.pages)
        self.get(path, name)
