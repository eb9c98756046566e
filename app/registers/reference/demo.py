from app.extensions import db
from app.registers.reference.models import Contact, Staff, Unit

INSTITUTIONS = [
    ("İlçe Kaymakamlığı", 10), ("Bursa Valiliği", 5), ("İlçe Emniyet Müdürlüğü", 20),
    ("İlçe Jandarma Komutanlığı", 21), ("İlçe Müftülüğü", 25), ("Ticaret ve Sanayi Odası", 40),
    ("Işıklar Mahalle Muhtarlığı", 60), ("Çağdaş Yaşamı Destekleme Derneği", 70),
]
PERSONS = [
    ("Ahmet Işık", "Kaymakam", "İlçe Kaymakamlığı", "0224 513 10 10"),
    ("Şükrü Güneş", "Vali Yardımcısı", "Bursa Valiliği", "0224 220 00 00"),
    ("Gülşen Öztürk", "Emniyet Müdürü", "İlçe Emniyet Müdürlüğü", "0224 513 11 11"),
    ("İbrahim Çağlar", "İlçe Müftüsü", "İlçe Müftülüğü", "0224 513 12 12"),
    ("Ümit Yıldırım", "Oda Başkanı", "Ticaret ve Sanayi Odası", "0224 513 13 13"),
    ("Ilgın Aksoy", "Muhtar", "Işıklar Mahalle Muhtarlığı", "0532 000 00 01"),
    ("Özge Kılıç", "Dernek Başkanı", "Çağdaş Yaşamı Destekleme Derneği", "0532 000 00 02"),
]
UNITS = [("Fen İşleri Müdürlüğü", "Hüseyin Doğru"), ("Zabıta Müdürlüğü", "Serdar Ünal"),
         ("Kültür ve Sosyal İşler Müdürlüğü", "Çiğdem Ertürk"), ("Bilgi İşlem Müdürlüğü", "Gökhan Çelik"),
         ("Mali Hizmetler Müdürlüğü", "Şerife Işıkgöz"), ("Özel Kalem Müdürlüğü", "İsmail Şahin")]
STAFF = [("Ayşe Yılmaz", "Memur", "Sekreterlik"), ("Mehmet Öz", "Şoför", "Makam şoförü"),
         ("İsmail Şahin", "Müdür", "Özel Kalem Müdürü"), ("Cengiz Uğur", "Şoför", "Makam şoförü"),
         ("Şeyma Güçlü", "Danışman", "Başkan danışmanı"), ("Oğuz Işıkçı", "Memur", "Protokol")]


def load():
    created = 0
    if not db.session.query(Unit).first():
        for name, head in UNITS:
            db.session.add(Unit(name=name, head=head, active=True))
            created += 1
        db.session.flush()
    if not db.session.query(Contact).first():
        by_name = {}
        for name, rank in INSTITUTIONS:
            c = Contact(kind="kurum", name=name, protocol_rank=rank)
            db.session.add(c)
            by_name[name] = c
            created += 1
        for name, title, inst, phone in PERSONS:
            db.session.add(Contact(kind="kisi", name=name, title=title, institution=by_name[inst], phone=phone))
            created += 1
    if not db.session.query(Staff).first():
        ozk = db.session.query(Unit).filter_by(name="Özel Kalem Müdürlüğü").first()
        for name, title, role in STAFF:
            db.session.add(Staff(name=name, title=title, office_role=role, unit=ozk, active=True))
            created += 1
    return created
