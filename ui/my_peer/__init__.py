"""The My peer page (pages/my_peer.py), one module per tab; common.py holds what they share."""
