"""What each person is told: in-app notifications (the bell) and the home
page's tiles per role (issue 17)."""
