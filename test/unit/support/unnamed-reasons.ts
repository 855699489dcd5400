/**
 * Why each operation of the reviewed services still maps to `*` (or a type-wide `type/*`) where
 * the Service Authorization Reference names a resource. Keyed `modelServiceId.Operation`. The
 * coverage test fails on an entry that is missing here and on one that is no longer needed.
 */

const CREATES =
  'creates the resource: its id exists only once AWS answers (recorded as type/*, which a rule on every resource of the type matches)';
const COPIES =
  'copies from a source in SourceRegion, another region than the call: the source ARN cannot be placed, and the copy is new (type/*)';
const IMPORTS = 'imports from S3 or a disk image: what it creates has an id only once AWS answers';
const ASSOCIATION =
  'names an association (AssociationId), not the resource: which resource it links is known only to AWS';
const NOTIFICATION =
  'names a connection notification (ConnectionNotificationId), not the endpoint or service it belongs to';
const XML_BODY =
  'the hosted zone is a member of the XML body, which identify does not read into params (only URI labels and query members)';
const FLEET =
  'the launch specifications and templates of a fleet are nested lists of structures the mapping does not read; the fleet is created';

export const UNNAMED_REASONS: Readonly<Record<string, string>> = {
  'ec2.AcceptAddressTransfer':
    'names the Elastic IP by its public address; the allocation id is known only to AWS',
  'ec2.AllocateHosts': CREATES,
  'ec2.CancelImportTask':
    'one ImportTaskId may be an image or a snapshot import task, and nothing in the request says which',
  'ec2.CopyFpgaImage': COPIES,
  'ec2.CopyImage': COPIES,
  'ec2.CopySnapshot': COPIES,
  'ec2.CreateCapacityReservation': CREATES,
  'ec2.CreateCapacityReservationFleet': CREATES,
  'ec2.CreateCustomerGateway': CREATES,
  'ec2.CreateDhcpOptions': CREATES,
  'ec2.CreateFleet': FLEET,
  'ec2.CreateFpgaImage': CREATES,
  'ec2.CreateInstanceEventWindow': CREATES,
  'ec2.CreateInternetGateway': CREATES,
  'ec2.CreateIpam': CREATES,
  'ec2.CreateIpamResourceDiscovery': CREATES,
  'ec2.CreateLaunchTemplate': CREATES,
  'ec2.CreateManagedPrefixList': CREATES,
  'ec2.CreateNetworkInsightsAccessScope': CREATES,
  'ec2.CreatePublicIpv4Pool': CREATES,
  'ec2.CreateRestoreImageTask':
    'restores an image from an S3 object: the image is new (its id exists only once AWS answers)',
  'ec2.CreateTrafficMirrorFilter': CREATES,
  'ec2.CreateTransitGateway': CREATES,
  'ec2.CreateTransitGatewayConnect':
    'creates a Connect attachment (new id); the transport attachment it rides on is named by a member the reference does not use',
  'ec2.CreateVerifiedAccessInstance': CREATES,
  'ec2.CreateVerifiedAccessTrustProvider': CREATES,
  'ec2.CreateVpc': CREATES,
  'ec2.CreateVpcEndpointServiceConfiguration': CREATES,
  'ec2.CreateVpnGateway': CREATES,
  'ec2.DeleteNetworkInterfacePermission':
    'names the permission (NetworkInterfacePermissionId), not the network interface it grants on',
  'ec2.DeleteVpcEndpointConnectionNotifications': NOTIFICATION,
  'ec2.DetachNetworkInterface':
    'names the attachment (AttachmentId), not the instance or the network interface',
  'ec2.DisassociateAddress': ASSOCIATION,
  'ec2.DisassociateIamInstanceProfile': ASSOCIATION,
  'ec2.DisassociateRouteTable': ASSOCIATION,
  'ec2.DisassociateSubnetCidrBlock': ASSOCIATION,
  'ec2.DisassociateVpcCidrBlock': ASSOCIATION,
  'ec2.ImportImage': IMPORTS,
  'ec2.ImportInstance': IMPORTS,
  'ec2.ImportSnapshot': IMPORTS,
  'ec2.ImportVolume': IMPORTS,
  'ec2.ModifyVpcEndpointConnectionNotification': NOTIFICATION,
  'ec2.PurchaseCapacityBlock':
    'buys a capacity block offering: the reservation is new (its id exists only once AWS answers)',
  'ec2.PurchaseHostReservation':
    'the hosts are in HostIdSet, a member no reference variable is named after; the reservation is new',
  'ec2.RegisterImage': CREATES,
  'ec2.ReplaceIamInstanceProfileAssociation': ASSOCIATION,
  'ec2.RequestSpotFleet': FLEET,
  'route53.CreateKeySigningKey': XML_BODY,
  'route53.CreateQueryLoggingConfig': XML_BODY,
  'route53.CreateTrafficPolicyInstance': XML_BODY,
  'route53.ListTagsForResources':
    'the resource ids are a list in the XML body, which identify does not read into params',
};
