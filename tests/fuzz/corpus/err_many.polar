resource A { roles = ["x"] }
resource B { permissions = [read]; }
resource C { roles = ["y"]; "y" if ; }
resource { roles = ["z"]; }
resource 9Doc {}
actions D { }
resource E { actions = ["read"]; rôles = ["a"]; ; }
} } ;
resource F permissions = ["p"]; }
@ $ ` ' ? ^ ~ |
