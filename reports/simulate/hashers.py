"""The password hasher of a simulation run. Every simulated case and complaint gets a
random query password that nobody will ever type (the services return it once and the
simulation drops it); hashing thousands of them with the production work factor would
take most of the run. The hashes are standard PBKDF2 with fewer iterations, so Django's
default hasher still verifies them (and upgrades them if a password is ever reset)."""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class SimulationPasswordHasher(PBKDF2PasswordHasher):
    iterations = 1000
