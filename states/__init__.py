"""The pure domain of kivo: steps, case states, the transition table and the rules.

Nothing here reads a clock, touches a database or prints; everything is a function of
its arguments so that rules can be tested and replayed exactly.
"""
