from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Still argon2 (same algorithm name and format), with the cost turned down so that fixtures creating
    nine accounts per test stay fast. Production settings keep Django's argon2 defaults."""

    time_cost = 1
    memory_cost = 64
    parallelism = 1
