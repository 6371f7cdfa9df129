"""Growth: goals and steps, the reflection journal, action items, feedback, my progress."""
