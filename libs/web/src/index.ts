export { COOKIES, cookieOptions, setCookie } from './cookies';
export { CsrfMiddleware, CsrfTokenInvalid, csrfTokenFor, CSRF_FIELD, CSRF_HEADER } from './csrf';
export { setFlash, takeFlash, type Flash, type FlashText, type FlashType } from './flash';
export { ProblemFilter, toProblem, type Problem } from './problem.filter';
export { safeReturnTo } from './safe-redirect';
export { createValidationPipe, toFieldErrors } from './validation';
export { configureViews } from './view-engine';
export { WebContextMiddleware, resolveLocale, type PageLocals } from './web-context.middleware';
export { formErrorsOf, validateForm, type FormResult } from './form';
export { RateLimitMiddleware, TooManyRequests, refuseUnlessOwnLink } from './rate-limit.middleware';
export { localizeFieldErrors, localizeFormErrors, localizeFieldMessage } from './field-messages';
export { displayIp } from './display-ip';

export { formatZoned, readerTimeZone, zoneLabel, TIME_ZONE_CHOICES } from './reader-time';
