"""The meetings part of `manage.py demo` (registered in core.demo by MeetingsConfig.ready)."""
