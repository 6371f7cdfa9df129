"""The relationship: membership, agreement, lifecycle, concerns, meetings, resources, the pairing-fit check."""
