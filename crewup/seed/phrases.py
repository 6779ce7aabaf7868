"""What people write, by group category: names of groups, events and posts, and the
sentences around them. "{area}", "{city}" and "{place}" are filled in where they appear."""

from __future__ import annotations

GROUP_NAMES: dict[str, tuple[str, ...]] = {
    "outdoors": (
        "{area} Hikers",
        "{city} Trail Crew",
        "Weekend Wanderers {area}",
        "Wild Swim {city}",
    ),
    "climbing": (
        "{area} Boulderers",
        "{city} Crag Rats",
        "Top Rope {area}",
        "Chalk & Coffee {city}",
    ),
    "sports": ("{area} Runners", "{city} Five-a-side", "Sunday Riders {area}", "Volley {area}"),
    "arts": (
        "{area} Sketch Club",
        "{city} Life Drawing",
        "Pottery Circle {area}",
        "Zine Makers {city}",
    ),
    "music": (
        "{area} Folk Session",
        "{city} Community Choir",
        "Jam Night {area}",
        "Ukulele {area}",
    ),
    "games": (
        "{area} Board Gamers",
        "{city} Chess Club",
        "Dice & Dragons {area}",
        "Quiz Team {area}",
    ),
    "food": (
        "{area} Supper Club",
        "{city} Bread Bakers",
        "Dumpling Nights {area}",
        "Veg Kitchen {city}",
    ),
    "learning": (
        "{area} Language Swap",
        "{city} Book Club",
        "Philosophy Café {area}",
        "Maths Circle {city}",
    ),
    "tech": (
        "{city} Python Meetup",
        "{area} Hack Night",
        "Repair Café {area}",
        "{city} Rust Users",
    ),
    "family": (
        "{area} Parents & Toddlers",
        "{city} Family Hikes",
        "Playground Crew {area}",
        "Dads {area}",
    ),
    "wellbeing": (
        "{area} Morning Yoga",
        "{city} Meditation",
        "Walk & Talk {area}",
        "Slow Runners {area}",
    ),
    "community": (
        "{area} Neighbours",
        "{city} Litter Pickers",
        "Garden Share {area}",
        "Tool Library {area}",
    ),
    "social": ("{area} After Work", "New in {city}", "{area} Pub Crawlers", "Brunch Club {city}"),
    "other": (
        "{area} Miscellany",
        "{city} Curious Minds",
        "Odd Hobbies {area}",
        "Night Owls {city}",
    ),
}

GROUP_PITCHES: dict[str, tuple[str, ...]] = {
    "outdoors": ("Day hikes and overnight trips around {city}.", "We walk, whatever the weather."),
    "climbing": (
        "Bouldering in the halls, real rock when it is dry.",
        "Beginners get a belay check.",
    ),
    "sports": ("Easy pace, no one left behind.", "Bring water and good shoes."),
    "arts": (
        "Materials shared; bring what you are working on.",
        "All levels, no critique unless asked.",
    ),
    "music": ("Bring an instrument or just your voice.", "Songbooks on the table, tea in the pot."),
    "games": ("New games every week, teachers included.", "Casual tables and a competitive one."),
    "food": ("We cook together and eat what we made.", "Each meal is a different country."),
    "learning": ("One topic a session, everyone speaks.", "Reading list decided together."),
    "tech": ("Short talks, long conversations.", "Laptops open, questions welcome."),
    "family": ("Children of all ages welcome.", "We meet where there is space to run around."),
    "wellbeing": ("Gentle sessions, no experience needed.", "Mats available, bring a blanket."),
    "community": ("Small things that make {area} better.", "Everyone living nearby is welcome."),
    "social": ("New faces every week; come say hello.", "No agenda, good company."),
    "other": ("Whatever we are curious about this month.", "Ideas for the next meet are welcome."),
}

EVENT_TITLES: dict[str, tuple[str, ...]] = {
    "outdoors": ("Sunday hike", "Sunset walk", "Lake day", "Forest trail loop", "Overnight trip"),
    "climbing": ("Bouldering night", "Crag day", "Beginners' session", "Lead climbing practice"),
    "sports": (
        "Morning run",
        "Five-a-side match",
        "Long ride",
        "Swim session",
        "Interval training",
    ),
    "arts": ("Sketch walk", "Life drawing", "Open studio", "Printmaking workshop"),
    "music": ("Open jam", "Choir rehearsal", "Song circle", "Open mic"),
    "games": ("Board game night", "Chess evening", "Campaign session", "Pub quiz"),
    "food": ("Supper club", "Bread baking", "Market tour", "Dumpling workshop"),
    "learning": ("Language swap", "Book club", "Talk and discussion", "Study session"),
    "tech": ("Hack night", "Lightning talks", "Repair café", "Workshop"),
    "family": ("Playground meet", "Family picnic", "Farm visit", "Kids' craft morning"),
    "wellbeing": ("Morning yoga", "Meditation hour", "Walk and talk", "Stretch in the park"),
    "community": ("Litter pick", "Garden day", "Neighbours' meeting", "Swap market"),
    "social": ("After-work drinks", "Brunch", "Newcomers' evening", "Picnic in the park"),
    "other": ("Meetup", "Show and tell", "Evening gathering", "Field trip"),
}

EVENT_NOTES = (
    "Meet at the entrance ten minutes early.",
    "We will wait five minutes for latecomers, then go.",
    "Bring something to drink and a snack.",
    "If you cannot make it, please change your RSVP so someone else gets the place.",
    "No experience needed.",
    "We split costs on the day.",
    "Look for the orange flag.",
    "Accessible by public transport.",
    "In case of heavy rain we will post an update here.",
)

CANCEL_REASONS = (
    "Storm warning for the whole day.",
    "The venue double-booked us, sorry!",
    "Not enough people could make it this time.",
    "The organiser is ill; we will find a new date.",
)

POST_TITLES = (
    "Welcome to our new members",
    "Photos from last time",
    "Who is in for next week?",
    "Ideas for the next meetup",
    "Lost and found",
    "Car sharing for the trip",
    "Thank you all!",
    "Question for the group",
    "New venue?",
    "Recommendations wanted",
    "Change of plans",
    "Looking for a partner",
)

POST_OPENERS = (
    "Hi everyone,",
    "Hello all!",
    "Quick one:",
    "A small update:",
    "Hey crew,",
    "Dear {area} folks,",
)

COMMENTS = (
    "Count me in!",
    "Great idea, thanks for organising.",
    "I can bring extra gear if anyone needs it.",
    "Sounds good to me.",
    "Can't make it this time, next one for sure.",
    "What time do we meet?",
    "Is it suitable for beginners?",
    "Loved it last time.",
    "I know a nice place nearby, will share the link.",
    "Thanks for the photos!",
    "+1",
    "Happy to give a lift from {area}.",
)

REPLIES = (
    "good point.",
    "agreed!",
    "I can help with that.",
    "see you there then.",
    "thanks, that helps.",
    "we meet at the usual spot.",
    "yes, beginners are very welcome.",
)

BIO_LINES = (
    "{job} by day, {interest} whenever I can.",
    "Moved to {area} recently and looking for people into {interest}.",
    "Into {interest} and {interest2}. Say hi!",
    "{job}. Weekends are for {interest}.",
    "Born and raised in {city}. {interest} and good coffee.",
    "Trying to do more {interest} this year.",
)
