print("ember 0.1.0")
