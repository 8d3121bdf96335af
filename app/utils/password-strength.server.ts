import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";
import * as english from "@zxcvbn-ts/language-en";

/**
 * zxcvbn's score 3 ("safely unguessable": about 10⁸ guesses or more) is the least a new password needs: it keeps an
 * online attacker out even past our rate limits, and makes a stolen Argon2id hash slow to crack. Score 2 (10⁶) falls
 * to a modest offline attack on a leaked table, which is the case a password policy is for.
 */
export const MIN_PASSWORD_SCORE = 3;

// Only the first 64 characters are estimated: the estimator's cost grows fast with length (a 200-character
// password took seconds), and 64 characters that are hard to guess make the rest no easier.
const zxcvbn = new ZxcvbnFactory({
  dictionary: { ...common.dictionary, ...english.dictionary },
  graphs: common.adjacencyGraphs,
  translations: english.translations,
  maxLength: 64,
  l33tMaxSubstitutions: 20,
});

/**
 * Why the password is too easy to guess (the estimator's warning and suggestions), or null when it scores at least
 * MIN_PASSWORD_SCORE. `userInputs` (the account's name and email) count as known words.
 */
export function passwordWeakness(password: string, userInputs: string[] = []): string | null {
  const { score, feedback } = zxcvbn.check(password, userInputs);
  if (score >= MIN_PASSWORD_SCORE) return null;
  const warning = feedback.warning ? ` ${feedback.warning}` : "";
  const advice = feedback.suggestions.length
    ? feedback.suggestions.join(" ")
    : "Use a longer phrase of uncommon words.";
  return `This password is too easy to guess.${warning} ${advice}`;
}
