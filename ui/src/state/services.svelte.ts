/**
 * Settings' view of the watched inbox and automatic backups: the saved settings and the
 * latest reports, newest first. App's `service-report` listener keeps the reports current.
 */
import { servicesStatus, type ServiceReport, type ServicesStatus } from '../lib/api';

const KEPT = 20;

class Services {
  status = $state<ServicesStatus>({ inbox_folder: null, auto_backup: null, reports: [] });

  async refresh(): Promise<void> {
    this.status = await servicesStatus();
  }

  add(report: ServiceReport): void {
    this.status.reports = [report, ...this.status.reports].slice(0, KEPT);
  }
}

export const services = new Services();
