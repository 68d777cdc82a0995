from django.urls import path

from bangkit.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.NotificationListView.as_view(), name="list"),
    path("<int:pk>/read/", views.notification_read, name="read"),
    path("read-all/", views.notifications_read_all, name="read_all"),
    path("bell/", views.bell, name="bell"),
    path("email-failures/", views.EmailFailureListView.as_view(), name="email_failures"),
    path("outbox/", views.OutboxListView.as_view(), name="outbox_list"),
    path("outbox/<int:pk>/", views.OutboxDetailView.as_view(), name="outbox_detail"),
    path("outbox/<int:pk>/cancel/", views.OutboxCancelView.as_view(), name="outbox_cancel"),
    path("people/<int:person_pk>/", views.person_messages, name="person_messages"),
    path("people/<int:person_pk>/new/", views.MessageComposeView.as_view(), name="message_new"),
]
