"""Name and place vocabularies for demo people: varied enough that 5,000 people rarely share a
name, and free of everyday words so redaction tests are not fooled by "Will" or "Hope"."""

from __future__ import annotations

FIRST_NAMES = (
    "Aaliyah", "Abdul", "Adaeze", "Adebayo", "Adriana", "Aiko", "Aisha", "Alejandro", "Alessia", "Alexei",
    "Amara", "Amirah", "Ananya", "Anders", "Andrea", "Anika", "Antoine", "Arjun", "Astrid", "Aurelio",
    "Ayesha", "Bartosz", "Beatriz", "Benedikt", "Bianca", "Bjorn", "Camila", "Carmen", "Cedric", "Chenxi",
    "Chiara", "Chidi", "Cristina", "Dagny", "Dalia", "Damian", "Daniela", "Darius", "Deepa", "Delfina",
    "Dmitri", "Dolores", "Eamon", "Eduardo", "Efua", "Eitan", "Elena", "Elif", "Emeka", "Emiliana", "Enzo",
    "Esteban", "Fatoumata", "Federico", "Fernanda", "Finnegan", "Florian", "Folake", "Francesca",
    "Gabriela", "Giulia", "Gunnar", "Hamid", "Hana", "Haruto", "Helga", "Hiroshi", "Ibrahima", "Ignacio",
    "Ilse", "Imani", "Ines", "Ingrid", "Isabela", "Ivan", "Jabari", "Jakub", "Jasmin", "Javier", "Jelena",
    "Joaquim", "Jonas", "Jorge", "Kaito", "Kalinda", "Kamala", "Kasia", "Keanu", "Kenji", "Khadija",
    "Kirsten", "Kofi", "Lakshmipriya", "Laszlo", "Leandro", "Leila", "Leonie", "Lorenzo", "Luana", "Lucia",
    "Lukas", "Magnus", "Malikah", "Mariam", "Marisol", "Mateus", "Matteo", "Mehmet", "Meixiu", "Mirela",
    "Moana", "Nadia", "Naveen", "Nia", "Nikolai", "Nilufar", "Noemia", "Obinna", "Olamide", "Oskar",
    "Paloma", "Pavel", "Priya", "Quentin", "Radek", "Rafaela", "Rahul", "Ramunas", "Rashid", "Renata",
    "Rodrigo", "Rosalind", "Ruslan", "Sakura", "Salma", "Sandeep", "Santino", "Saoirse", "Selin", "Sergio",
    "Shira", "Sigrid", "Simone", "Sione", "Siobhan", "Soraya", "Stefan", "Sunita", "Tariq", "Tatiana",
    "Teodor", "Thiago", "Tomasz", "Ugo", "Valentina", "Vikram", "Wanjiru", "Wiebke", "Xiomara", "Yara",
    "Yasmin", "Yusuf", "Zainab", "Zoltan", "Zofia"
)  # fmt: skip

LAST_NAMES = (
    "Abara", "Achterberg", "Adeyemi", "Albrecht", "Almeida", "Andersson", "Antonelli", "Aquino", "Arslan",
    "Bakshi", "Balogun", "Banerjee", "Barros", "Becker", "Bergstrom", "Bianchi", "Borowski", "Brandstetter",
    "Castellano", "Castillo", "Cerny", "Chakraborty", "Chowdhury", "Ciobanu", "Dalgaard", "Delavigne",
    "Demir", "Dimitrov", "Domingues", "Dragomir", "Duarte", "Eberhardt", "Ekwueme", "Esposito", "Fagerlund",
    "Falcone", "Ferreira", "Fischbach", "Fonseca", "Fujimoto", "Gallardo", "Gashi", "Gonzaga", "Grabowski",
    "Guerrero", "Gunawardena", "Haddad", "Halvorsen", "Hashemi", "Herrmann", "Horvath", "Ibarra", "Idowu",
    "Ishikawa", "Ivanova", "Jablonski", "Jaramillo", "Jovanovic", "Kamara", "Kapoor", "Karlsson",
    "Kaminski", "Kaur", "Kawasaki", "Khalil", "Kiplagat", "Kovacs", "Kowalczyk", "Krishnan", "Kuznetsova",
    "Lachance", "Landeros", "Laurent", "Lindqvist", "Lombardi", "Lozano", "Machado", "Magnusson",
    "Mahlangu", "Malinauskas", "Marchetti", "Markovic", "Medeiros", "Mendoza", "Mikkelsen", "Moreau",
    "Mukherjee", "Nakamura", "Nascimento", "Nwachukwu", "Nyberg", "Obradovic", "Ogunleye", "Okafor",
    "Olabode", "Olsson", "Ortigoza", "Ozturk", "Pacheco", "Papadakis", "Pellegrini", "Petrovic", "Pham",
    "Quintero", "Rahman", "Ramaswamy", "Rasmusdottir", "Rezaei", "Ribeiro", "Romanenko", "Rossellini",
    "Sandoval", "Santoro", "Schreiber", "Sekar", "Serrano", "Shevchuk", "Silvestri", "Sokolov", "Soriano",
    "Stojanovic", "Suzuki", "Szabo", "Takahashi", "Tanaka", "Tavares", "Thorsen", "Toldeano", "Tran",
    "Udeh", "Valdivia", "Varga", "Vasquez", "Venkatesan", "Villalobos", "Vukovic", "Wachowski", "Wojcik",
    "Yamashiro", "Yilmaz", "Zamora", "Zielinski"
)  # fmt: skip

CITIES = ("Lisbon", "Berlin", "Toronto", "Austin", "Singapore")

EMAIL_DOMAIN = "demo.peoplealign.example"
