export { JitsiServerCheck, type InteropCheckStatus, type InteropLinkKind } from './jitsi-server-check.entity';
export {
  EXPECTED_OUTCOMES,
  INTEROP_LINKS,
  INTEROP_OUTCOMES,
  INTEROP_ROOM_PREFIX,
  INTEROP_TEST_MINUTES,
  INTEROP_TEST_SECONDS,
  interopRoomName,
  interopSettingsFingerprint,
  interopStatusOf,
  isInteropRoom,
  mintInteropLinks,
  type InteropLink,
  type InteropLinksInput,
  type InteropOutcomes,
} from './interop-plan';
export {
  interopExpectations,
  outcomeLabel,
  type InteropCause,
  type InteropExpectation,
  type InteropFailure,
  type InteropFixLines,
  type InteropMessageKey,
  type InteropTranslate,
} from './interop-expectations';
export { formatInteropCheck, whereOf, type InteropTextInput } from './interop-text';
export { JitsiInteropService, type InteropResult, type InteropTest, type UnverifiedServer } from './interop.service';
