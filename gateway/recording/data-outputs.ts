/**
 * Operations whose successful answer is not an API document in the service's protocol, from the
 * AWS model (aws-sdk v2 `apis/`): the output's payload member is a blob or a string, or the output
 * carries an event stream. test/unit/recording-response-kind.test.ts derives both lists from the
 * model again and fails when they drift.
 */

/** Object bytes and event streams: they stream through untouched (recorded as size and checksums). */
export const STREAMED_OUTPUT: ReadonlySet<string> = new Set([
  'bedrockagentruntime:InvokeAgent',
  'bedrockagentruntime:InvokeFlow',
  'bedrockruntime:ConverseStream',
  'bedrockruntime:InvokeModelWithResponseStream',
  'cloudwatchlogs:StartLiveTail',
  'codeartifact:GetPackageVersionAsset',
  'ebs:GetSnapshotBlock',
  'glacier:GetJobOutput',
  'kinesisvideoarchivedmedia:GetClip',
  'kinesisvideoarchivedmedia:GetMediaForFragmentList',
  'kinesisvideomedia:GetMedia',
  'lakeformation:GetWorkUnitResults',
  'lambda:InvokeWithResponseStream',
  'lexruntime:PostContent',
  'lexruntime:PutSession',
  'lexruntimev2:PutSession',
  'lexruntimev2:RecognizeUtterance',
  'medialive:DescribeInputDeviceThumbnail',
  'mediastoredata:GetObject',
  'medicalimaging:GetImageFrame',
  'medicalimaging:GetImageSetMetadata',
  'omics:GetReadSet',
  'omics:GetReference',
  'polly:SynthesizeSpeech',
  's3:GetObject',
  's3:GetObjectTorrent',
  's3:SelectObjectContent',
  'sagemakergeospatial:GetTile',
  'sagemakerruntime:InvokeEndpointWithResponseStream',
  'workmailmessageflow:GetRawMessageContent',
]);

/**
 * A document of the caller's own (a function's result, a configuration, a policy, a map tile): read
 * whole and masked as whatever it turns out to be (JSON, XML, text); binary passes only when no
 * secret shows in it.
 */
export const DATA_OUTPUT: ReadonlySet<string> = new Set([
  'apigateway:GetExport',
  'apigateway:GetSdk',
  'apigatewayv2:ExportApi',
  'appconfig:CreateHostedConfigurationVersion',
  'appconfig:GetConfiguration',
  'appconfig:GetHostedConfigurationVersion',
  'appconfigdata:GetLatestConfiguration',
  'appsync:GetIntrospectionSchema',
  'bedrockruntime:InvokeModel',
  'cloudfront:GetFunction',
  'codeguruprofiler:GetProfile',
  'dataexchange:SendApiAsset',
  'iotdata:DeleteThingShadow',
  'iotdata:GetThingShadow',
  'iotdata:UpdateThingShadow',
  'iotwireless:GetPositionEstimate',
  'iotwireless:GetResourcePosition',
  'lambda:Invoke',
  'location:GetMapGlyphs',
  'location:GetMapSprites',
  'location:GetMapStyleDescriptor',
  'location:GetMapTile',
  'neptunedata:ExecuteGremlinExplainQuery',
  'neptunedata:ExecuteGremlinProfileQuery',
  'neptunedata:ExecuteOpenCypherExplainQuery',
  's3:GetBucketPolicy',
  'sagemakerruntime:InvokeEndpoint',
  'schemas:GetCodeBindingSource',
  'tnb:GetSolFunctionPackageContent',
  'tnb:GetSolFunctionPackageDescriptor',
  'tnb:GetSolNetworkPackageContent',
  'tnb:GetSolNetworkPackageDescriptor',
]);
