"""handling"""
