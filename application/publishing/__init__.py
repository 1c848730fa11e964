"""Publishing shared by every step: artifacts then the manifest last, hashing, republishing."""
