/**
 * The stack's custom EventBridge bus: one event per upload and video transition
 * (functions/core/events, schemas in schemas/events/). Callers subscribe with their own rules; an
 * archive keeps 30 days of events so a consumer that was down can replay them.
 */
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { EVENT_SOURCE } from '../../functions/core/events/catalogue';

export class StackEventBus extends Construct {
  readonly bus: events.EventBus;
  readonly archive: events.Archive;

  constructor(scope: Construct, id: string, props: { busName: string }) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', {
      eventBusName: props.busName,
      description: 'seedance-stack: upload and video transitions',
    });
    this.archive = this.bus.archive('Archive', {
      description: 'seedance-stack events, for replay',
      eventPattern: { source: [EVENT_SOURCE] },
      retention: Duration.days(30),
    });
  }
}
