actor User {}
actor Group {}
