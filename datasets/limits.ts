export const MAX_FIELD_CHARS = 200_000;
export const MAX_ID_CHARS = 200;
/** How deep objects and lists may nest in a row (metadata is the only field that can nest at all). */
export const MAX_DEPTH = 32;
