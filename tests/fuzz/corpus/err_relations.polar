resource Doc { relations = { parent Folder }; }
resource Doc2 { relations = { parent: , other: X }; }
resource Doc3 { relations = { a: B c: D, }; }
resource Doc4 { relations = { a: B; }
resource Doc5 { relations = parent: Folder; }
resource Doc6 { relations = { "quoted name": "Quoted \"Type\"", }; }
