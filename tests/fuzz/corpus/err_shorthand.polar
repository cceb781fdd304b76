resource Doc {
  roles = ["a", "b"];
  "a" "b";
  "a" if;
  "a" if "b" on;
  "a" if global;
  "a" if b;
  read if "a";
  "a" if "b" and "c";
  "a" if "b" on "rel" on "x";
}
"a" if "b";
