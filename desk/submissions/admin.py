"""Requests have no admin pages: they change only through the services, from the staff pages,
so that every change is checked, recorded on the timeline and announced. The working calendar's
admin (closures, holiday corrections, weekly days off) lives in desk/calendars/admin.py."""
