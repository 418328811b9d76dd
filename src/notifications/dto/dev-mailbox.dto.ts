import { ApiProperty } from '@nestjs/swagger';
import { PageDto } from '../../core/http/paging';

export class MailboxEntryView {
  @ApiProperty({ example: '1795427123456-9f3a1c2b' }) id: string;
  @ApiProperty({ example: 'Ban tổ chức <no-reply@contest.local>' }) from: string;
  @ApiProperty({ type: [String], example: ['truong@example.vn'], description: 'Envelope recipients' }) to: string[];
  @ApiProperty({ example: 'Xác nhận đăng ký sản phẩm dự thi: Máy tưới cây tự động' }) subject: string;
  @ApiProperty({ format: 'date-time' }) receivedAt: string;
}

export class MailboxMessageView extends MailboxEntryView {
  @ApiProperty({ description: 'Plain-text part' }) text: string;
  @ApiProperty({ description: 'HTML part (empty when the mail has none)' }) html: string;
}

export class MailboxPage extends PageDto(MailboxEntryView) {}
