"""Rich text that both clients show, the commands in the terminal and the app in its views: the report's
tables, durations. No textual here."""
