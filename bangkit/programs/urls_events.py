from django.urls import URLPattern, path

from bangkit.programs.views import attendance, events, participants, programs

urlpatterns: list[URLPattern] = [
    path("", programs.ProgramListView.as_view(), name="program_list"),
    path("add/", programs.ProgramEditView.as_view(), name="program_add"),
    path("<int:pk>/", programs.ProgramDetailView.as_view(), name="program_detail"),
    path("<int:pk>/edit/", programs.ProgramEditView.as_view(), name="program_edit"),
    path("<int:pk>/partners/add/", programs.ProgramPartnerAddView.as_view(), name="program_partner_add"),
    path("events/", events.EventListView.as_view(), name="event_list"),
    path("events/add/", events.EventEditView.as_view(), name="event_add"),
    path("events/<int:pk>/", events.EventDetailView.as_view(), name="event_detail"),
    path("events/<int:pk>/edit/", events.EventEditView.as_view(), name="event_edit"),
    path("events/<int:pk>/cancel/", events.EventCancelView.as_view(), name="event_cancel"),
    path("events/<int:pk>/sessions/add/", events.EventSessionAddView.as_view(), name="event_session_add"),
    path("events/<int:pk>/modules/add/", events.EventModuleAddView.as_view(), name="event_module_add"),
    path("events/<int:pk>/partners/add/", events.EventPartnerAddView.as_view(), name="event_partner_add"),
    path("events/<int:pk>/facilitators/add/", events.EventFacilitatorAddView.as_view(), name="event_facilitator_add"),
    path("events/<int:pk>/participants/", participants.EventParticipantsView.as_view(), name="event_participants"),
    path("enrolments/<int:pk>/withdraw/", participants.EnrolmentWithdrawView.as_view(), name="enrolment_withdraw"),
    path("sessions/<int:pk>/attendance/", attendance.SessionAttendanceView.as_view(), name="session_attendance"),
    path("sessions/<int:pk>/attendance/mark/", attendance.AttendanceMarkView.as_view(), name="attendance_mark"),
    path(
        "sessions/<int:pk>/attendance/paper/",
        attendance.PaperAttendanceView.as_view(),
        name="session_attendance_paper",
    ),
    path("modules/", programs.ModuleListView.as_view(), name="module_list"),
    path("modules/add/", programs.ModuleEditView.as_view(), name="module_add"),
    path("modules/<int:pk>/edit/", programs.ModuleEditView.as_view(), name="module_edit"),
]
