"""The front-desk console: the script of a call on one screen, and the result as it is answered.

Staff use it while a caller is on the line. The script asks the lines of `script.CALL_LINES` first
(the emergency signs, read aloud: "yes" ends the script with emergency advice; whom the call is
about: it rewords the questions that follow), then the four questions. Nothing is stored: the
answers travel in the form, or in the address as an answer code (`code`, the four questions) and a
state code (`answers`, the lines before them), both masked in the request log.

- `script`: the lines of the script and every word of the desk, in the current language;
- `summary`: the call summary, from the one template (templates/summary.txt);
- `data`: the data file static/desk.js loads (every combination's presentation and summary in every
  language), built when a worker starts;
- `views`: the page, the posted form without JavaScript, answer codes, the data file's address.

The result's markup is the one macro of templates/recommendation.html: the page renders it for the
answers given, and inside a <template> that desk.js clones and fills with the data file's texts.
"""

from guide.desk.data import warm
from guide.desk.script import CALL_STEPS, summary_slots
from guide.desk.summary import summary_for
from guide.desk.views import bp, init_app

__all__ = ["CALL_STEPS", "bp", "init_app", "summary_for", "summary_slots", "warm"]
