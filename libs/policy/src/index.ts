export { OrgSettings } from './org-settings.entity';
export { UpdatePolicyDto } from './dto/policy.dto';
export { PolicyModule } from './policy.module';
export { PolicyService, POLICY_FIELDS, RETENTION_DEFAULTS, type OrgPolicy, type PolicyActor } from './policy.service';
export { POLICY_SERVER_DIRECTORY, type PolicyServerDirectory } from './server-directory';
export {
  DEFAULT_PARTICIPANT_FEATURES,
  FEATURE_ROLES,
  PARTICIPANT_FEATURES,
  featuresFor,
  mergeParticipantFeatures,
  organizerMayAllow,
  type FeatureRole,
  type FeatureSwitches,
  type MeetingFeatures,
  type ParticipantFeature,
  type ParticipantFeaturesPolicy,
} from './participant-features';
