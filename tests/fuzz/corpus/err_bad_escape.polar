resource Doc { permissions = ["re\qad", "ok\"q\\", "tab\t"]; }
