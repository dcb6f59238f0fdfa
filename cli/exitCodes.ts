/** Exit statuses scripts can rely on (documented in cli/README.md). */
export const EXIT = Object.freeze({
  /** Everything asked for was done. */
  OK: 0,
  /** An unexpected internal failure (a bug): the message says what. */
  FAILURE: 1,
  /** The command line was wrong. */
  USAGE: 2,
  /** Done, but some inputs were rejected (each listed with its reason). */
  PARTIAL: 3,
  /** Nothing usable in the inputs: all missing, unreadable or rejected. */
  NO_INPUT: 4,
});
