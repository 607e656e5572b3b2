"""The office acting for others and finishing items: records on someone's behalf, waivers, closing, corrections."""
