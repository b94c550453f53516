"""Printed leaflets: deep links with QR codes, and the PDF handed out at border posts."""
