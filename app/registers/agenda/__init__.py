"""The mayor's agenda (Başkanlık Programı) and appointment requests (Randevu Talepleri)."""
