"""The procedure catalogue (danh mục TTHC) of xã An Trường: 375 procedures, 155 DVCTT một phần
and 220 DVCTT toàn trình, as in the sample report.

Names follow the wording of commune-level catalogues published after the 2025 two-tier reform
(fields that moved from district to commune included). Legal processing times (thời hạn giải
quyết) are whole working days; "ngay trong ngày" procedures are modelled as 1 working day (due
the next working day), which is how one-stop systems usually set the appointment.

**Codes.** Only five codes are real national codes (Cơ sở dữ liệu quốc gia về TTHC) and sit next
to the procedure they belong to: Đăng ký khai sinh 1.001193, Đăng ký kết hôn 1.000894, Đăng ký
khai tử 1.000656, Cấp bản sao trích lục hộ tịch 2.000635 and Chứng thực bản sao từ bản chính
2.000815. Every other code is **synthetic**: ``9.FFFNNN`` (field number, position), in the
``d.dddddd`` pattern but with a first digit no national code uses, so it can never collide with a
real one. ``Procedure.synthetic`` says which; the exported file does not.

**Levels.** Each line carries the level an analyst would expect (P = một phần: the applicant must
appear or the authority must verify on site; F = toàn trình). The published split is 155/220, so
:func:`catalogue` moves unused procedures from một phần to toàn trình, shortest legal time first,
until the counts match; the 51 procedures with cases keep their level (28 một phần, 23 toàn
trình, the sample report's coverage figures).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from tthc.schema import Level

# (level hint, legal time in working days, name) per field; "## " starts a field.
CATALOGUE_TEXT = """
## Hộ tịch
F 1 Đăng ký khai sinh
P 1 Đăng ký kết hôn
F 1 Đăng ký khai tử
F 1 Cấp bản sao trích lục hộ tịch
F 3 Cấp Giấy xác nhận tình trạng hôn nhân
P 3 Đăng ký nhận cha, mẹ, con
P 3 Đăng ký khai sinh kết hợp nhận cha, mẹ, con
P 3 Đăng ký giám hộ
P 2 Đăng ký chấm dứt giám hộ
F 3 Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch
F 5 Đăng ký lại khai sinh
P 5 Đăng ký lại kết hôn
F 5 Đăng ký lại khai tử
F 3 Đăng ký khai sinh cho người đã có hồ sơ, giấy tờ cá nhân
F 3 Cấp văn bản xác nhận thông tin hộ tịch
P 1 Đăng ký khai sinh lưu động
P 1 Đăng ký kết hôn lưu động
P 1 Đăng ký khai tử lưu động
P 3 Đăng ký khai sinh có yếu tố nước ngoài
P 10 Đăng ký kết hôn có yếu tố nước ngoài
F 3 Đăng ký khai tử có yếu tố nước ngoài
P 10 Đăng ký nhận cha, mẹ, con có yếu tố nước ngoài
P 10 Đăng ký khai sinh kết hợp nhận cha, mẹ, con có yếu tố nước ngoài
P 5 Đăng ký giám hộ có yếu tố nước ngoài
P 3 Đăng ký chấm dứt giám hộ có yếu tố nước ngoài
F 5 Đăng ký thay đổi, cải chính, bổ sung, xác định lại dân tộc cho người từ đủ 14 tuổi trở lên
F 5 Ghi vào Sổ hộ tịch việc khai sinh của công dân Việt Nam đã được giải quyết tại cơ quan có thẩm quyền của nước ngoài
F 5 Ghi vào Sổ hộ tịch việc kết hôn của công dân Việt Nam đã được giải quyết tại cơ quan có thẩm quyền của nước ngoài
F 5 Ghi vào Sổ hộ tịch việc ly hôn, hủy việc kết hôn của công dân Việt Nam đã được giải quyết tại cơ quan có thẩm quyền của nước ngoài
F 5 Ghi vào Sổ hộ tịch các việc hộ tịch khác của công dân Việt Nam đã được giải quyết tại cơ quan có thẩm quyền của nước ngoài
F 5 Đăng ký lại khai sinh có yếu tố nước ngoài
P 5 Đăng ký lại kết hôn có yếu tố nước ngoài
F 5 Đăng ký lại khai tử có yếu tố nước ngoài
F 5 Đăng ký khai sinh cho người đã có hồ sơ, giấy tờ cá nhân có yếu tố nước ngoài
F 3 Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch có yếu tố nước ngoài
F 3 Liên thông thủ tục hành chính về đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi
F 3 Liên thông thủ tục hành chính về đăng ký khai tử, xóa đăng ký thường trú, hưởng chế độ tử tuất, hỗ trợ chi phí mai táng
## Nuôi con nuôi
P 20 Đăng ký việc nuôi con nuôi trong nước
P 10 Đăng ký lại việc nuôi con nuôi trong nước
P 10 Ghi chú việc nuôi con nuôi thực tế
P 20 Giải quyết việc người nước ngoài thường trú ở Việt Nam nhận trẻ em Việt Nam làm con nuôi
## Chứng thực
P 1 Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của Việt Nam cấp hoặc chứng nhận
F 1 Cấp bản sao điện tử được chứng thực từ bản chính
P 1 Chứng thực chữ ký trong các giấy tờ, văn bản (áp dụng cho cả trường hợp chứng thực điểm chỉ và trường hợp người yêu cầu chứng thực không thể ký, không thể điểm chỉ được)
P 2 Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản, quyền sử dụng đất và nhà ở
P 2 Chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch
P 2 Sửa lỗi sai sót trong hợp đồng, giao dịch
F 2 Cấp bản sao có chứng thực từ bản chính hợp đồng, giao dịch đã được chứng thực
P 2 Chứng thực di chúc
P 2 Chứng thực văn bản từ chối nhận di sản
P 2 Chứng thực văn bản thỏa thuận phân chia di sản mà di sản là động sản, quyền sử dụng đất, nhà ở
P 2 Chứng thực văn bản khai nhận di sản mà di sản là động sản, quyền sử dụng đất, nhà ở
P 1 Chứng thực chữ ký người dịch mà người dịch là cộng tác viên dịch thuật
P 1 Chứng thực chữ ký người dịch mà người dịch không phải là cộng tác viên dịch thuật
P 1 Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của nước ngoài cấp hoặc chứng nhận
## Đất đai
P 20 Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất lần đầu đối với cá nhân, hộ gia đình, cộng đồng dân cư
P 20 Giao đất, cho thuê đất không thông qua đấu giá quyền sử dụng đất đối với cá nhân
P 15 Chuyển mục đích sử dụng đất đối với cá nhân
P 30 Hòa giải tranh chấp đất đai
P 45 Giải quyết tranh chấp đất đai thuộc thẩm quyền của Chủ tịch Ủy ban nhân dân cấp xã
P 15 Tách thửa, hợp thửa đất
F 3 Cung cấp thông tin, dữ liệu đất đai
P 10 Gia hạn sử dụng đất nông nghiệp của cá nhân khi hết thời hạn sử dụng đất
P 10 Xác nhận tiếp tục sử dụng đất nông nghiệp của cá nhân khi hết hạn sử dụng đất
P 10 Chuyển đổi quyền sử dụng đất nông nghiệp của cá nhân
P 15 Điều chỉnh quyết định giao đất, cho thuê đất, chuyển mục đích sử dụng đất
P 20 Thu hồi đất do chấm dứt việc sử dụng đất theo pháp luật, tự nguyện trả lại đất
P 10 Đính chính Giấy chứng nhận đã cấp lần đầu
P 20 Thu hồi Giấy chứng nhận đã cấp không đúng quy định của pháp luật đất đai do người sử dụng đất phát hiện
F 7 Cấp đổi Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất
F 10 Cấp lại Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất do bị mất
P 10 Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất trong trường hợp chuyển nhượng, tặng cho, thừa kế
F 5 Đăng ký biến động do đổi tên, thay đổi thông tin về người sử dụng đất, chủ sở hữu tài sản gắn liền với đất
P 15 Xác định lại diện tích đất ở cho hộ gia đình, cá nhân đã được cấp Giấy chứng nhận trước ngày 01/7/2004
F 3 Đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất
F 3 Xóa đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất
F 5 Xóa đăng ký cho thuê, cho thuê lại, góp vốn bằng quyền sử dụng đất
P 20 Thẩm định nhu cầu sử dụng đất để xem xét giao đất, cho thuê đất không thông qua hình thức đấu giá quyền sử dụng đất
P 15 Gia hạn sử dụng đất ngoài khu công nghệ cao, khu kinh tế
P 10 Xác nhận nguồn gốc sử dụng đất phục vụ cấp Giấy chứng nhận
## Xây dựng
P 15 Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ
P 15 Cấp giấy phép xây dựng sửa chữa, cải tạo đối với nhà ở riêng lẻ
P 15 Cấp giấy phép di dời đối với nhà ở riêng lẻ
P 15 Điều chỉnh giấy phép xây dựng đối với nhà ở riêng lẻ
F 5 Gia hạn giấy phép xây dựng đối với nhà ở riêng lẻ
F 5 Cấp lại giấy phép xây dựng đối với nhà ở riêng lẻ
P 15 Cấp giấy phép xây dựng có thời hạn đối với nhà ở riêng lẻ
P 20 Cấp giấy phép xây dựng mới đối với công trình cấp III, cấp IV
P 20 Thẩm định Báo cáo kinh tế - kỹ thuật đầu tư xây dựng
P 15 Thẩm định thiết kế xây dựng triển khai sau thiết kế cơ sở
P 15 Cấp giấy phép xây dựng công trình quảng cáo
F 3 Thông báo khởi công xây dựng công trình
P 10 Cấp giấy phép chặt hạ, dịch chuyển cây xanh
## Giao thông vận tải
P 10 Cấp giấy phép thi công công trình trên đường bộ đang khai thác thuộc phạm vi quản lý của cấp xã
P 10 Chấp thuận xây dựng công trình thiết yếu trong phạm vi bảo vệ kết cấu hạ tầng giao thông đường bộ
P 7 Cấp phép thi công xây dựng biển quảng cáo tạm thời trong phạm vi hành lang an toàn đường bộ
F 3 Đăng ký lần đầu phương tiện thủy nội địa
F 3 Đăng ký lại phương tiện thủy nội địa
F 3 Xóa Giấy chứng nhận đăng ký phương tiện thủy nội địa
F 3 Cấp lại Giấy chứng nhận đăng ký phương tiện thủy nội địa
## Thành lập và hoạt động của hộ kinh doanh
F 3 Đăng ký thành lập hộ kinh doanh
F 3 Đăng ký thay đổi nội dung đăng ký hộ kinh doanh
F 3 Tạm ngừng kinh doanh, tiếp tục kinh doanh trước thời hạn đã thông báo của hộ kinh doanh
F 3 Chấm dứt hoạt động hộ kinh doanh
F 3 Cấp lại Giấy chứng nhận đăng ký hộ kinh doanh
F 3 Thông báo thay đổi thông tin của hộ kinh doanh
## Thành lập và hoạt động của hợp tác xã
F 3 Đăng ký thành lập hợp tác xã
F 3 Đăng ký thay đổi tên, địa chỉ trụ sở chính, ngành, nghề sản xuất, kinh doanh, vốn điều lệ, người đại diện theo pháp luật của hợp tác xã
F 3 Đăng ký thành lập chi nhánh, văn phòng đại diện, địa điểm kinh doanh của hợp tác xã
F 3 Tạm ngừng hoạt động của hợp tác xã, chi nhánh, văn phòng đại diện, địa điểm kinh doanh của hợp tác xã
F 5 Giải thể tự nguyện hợp tác xã
F 3 Cấp lại Giấy chứng nhận đăng ký hợp tác xã
F 3 Thông báo thành lập tổ hợp tác
F 3 Thông báo thay đổi tổ hợp tác
F 3 Thông báo chấm dứt hoạt động của tổ hợp tác
## Lưu thông hàng hóa trong nước
F 10 Cấp Giấy phép bán lẻ rượu
F 10 Cấp sửa đổi, bổ sung Giấy phép bán lẻ rượu
F 10 Cấp lại Giấy phép bán lẻ rượu
F 10 Cấp Giấy phép sản xuất rượu thủ công nhằm mục đích kinh doanh
F 10 Cấp sửa đổi, bổ sung Giấy phép sản xuất rượu thủ công nhằm mục đích kinh doanh
F 10 Cấp lại Giấy phép sản xuất rượu thủ công nhằm mục đích kinh doanh
F 10 Cấp Giấy phép bán lẻ sản phẩm thuốc lá
F 10 Cấp sửa đổi, bổ sung Giấy phép bán lẻ sản phẩm thuốc lá
F 10 Cấp lại Giấy phép bán lẻ sản phẩm thuốc lá
F 10 Cấp Giấy chứng nhận đủ điều kiện cửa hàng bán lẻ LPG chai
F 10 Cấp lại Giấy chứng nhận đủ điều kiện cửa hàng bán lẻ LPG chai
F 10 Cấp điều chỉnh Giấy chứng nhận đủ điều kiện cửa hàng bán lẻ LPG chai
## Bảo trợ xã hội
P 15 Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng, hỗ trợ kinh phí chăm sóc, nuôi dưỡng hằng tháng
F 10 Chi trả trợ cấp xã hội hằng tháng, hỗ trợ kinh phí chăm sóc, nuôi dưỡng hằng tháng khi đối tượng thay đổi nơi cư trú
P 5 Trợ giúp xã hội khẩn cấp về hỗ trợ chi phí mai táng
P 5 Trợ giúp xã hội khẩn cấp về hỗ trợ làm nhà ở, sửa chữa nhà ở
P 15 Tiếp nhận đối tượng bảo trợ xã hội có hoàn cảnh đặc biệt khó khăn vào cơ sở trợ giúp xã hội
P 10 Đăng ký hoạt động đối với cơ sở trợ giúp xã hội dưới 10 đối tượng có hoàn cảnh khó khăn
P 25 Xác định, xác định lại mức độ khuyết tật và cấp Giấy xác nhận khuyết tật
F 5 Đổi, cấp lại Giấy xác nhận khuyết tật
P 5 Nhận chăm sóc, nuôi dưỡng đối tượng cần bảo vệ khẩn cấp
P 10 Đăng ký cai nghiện ma túy tự nguyện
P 10 Hỗ trợ học văn hóa, học nghề, trợ cấp khó khăn ban đầu cho nạn nhân bị mua bán
## Giảm nghèo
P 15 Công nhận hộ nghèo, hộ cận nghèo phát sinh trong năm
P 15 Công nhận hộ thoát nghèo, hộ thoát cận nghèo trong năm
P 15 Công nhận hộ làm nông nghiệp, lâm nghiệp, ngư nghiệp, diêm nghiệp có mức sống trung bình
F 10 Hỗ trợ người lao động thuộc hộ nghèo, hộ cận nghèo đi làm việc ở nước ngoài theo hợp đồng
## Trẻ em
P 5 Áp dụng các biện pháp can thiệp khẩn cấp hoặc tạm thời cách ly trẻ em khỏi môi trường hoặc người gây tổn hại cho trẻ em
P 10 Chấm dứt việc chăm sóc thay thế cho trẻ em
P 15 Đăng ký nhận chăm sóc thay thế cho trẻ em đối với cá nhân, người đại diện gia đình nhận chăm sóc thay thế không phải là người thân thích của trẻ em
P 10 Phê duyệt kế hoạch hỗ trợ, can thiệp đối với trẻ em bị xâm hại hoặc có nguy cơ bị bạo lực, bóc lột, bỏ rơi và trẻ em có hoàn cảnh đặc biệt
F 10 Chuyển trẻ em đang được chăm sóc thay thế tại cơ sở trợ giúp xã hội đến cá nhân, gia đình nhận chăm sóc thay thế
## Người có công
P 12 Giải quyết chế độ trợ cấp thờ cúng liệt sĩ
P 12 Giải quyết chế độ mai táng phí, trợ cấp một lần khi người có công với cách mạng từ trần
P 15 Giải quyết chế độ trợ cấp một lần đối với thân nhân người hoạt động kháng chiến được tặng huân chương, huy chương chết trước ngày 01 tháng 01 năm 1995 mà chưa được hưởng chế độ ưu đãi
P 12 Hỗ trợ, di chuyển hài cốt liệt sĩ
F 10 Thăm viếng mộ liệt sĩ
P 20 Đề nghị tặng hoặc truy tặng danh hiệu vinh dự nhà nước “Bà mẹ Việt Nam anh hùng”
P 15 Giải quyết chế độ ưu đãi đối với Bà mẹ Việt Nam anh hùng
P 15 Giải quyết chế độ đối với thân nhân liệt sĩ
P 20 Giải quyết chế độ đối với thương binh và người hưởng chính sách như thương binh
P 20 Giải quyết chế độ đối với người hoạt động kháng chiến bị nhiễm chất độc hóa học
P 20 Giải quyết chế độ đối với con đẻ của người hoạt động kháng chiến bị nhiễm chất độc hóa học
P 15 Giải quyết chế độ đối với người có công giúp đỡ cách mạng
P 15 Giải quyết chế độ ưu đãi đối với người hoạt động kháng chiến giải phóng dân tộc, bảo vệ Tổ quốc, làm nghĩa vụ quốc tế
F 10 Giải quyết chế độ trợ cấp ưu đãi đối với thân nhân khi người có công với cách mạng từ trần
F 10 Cấp bổ sung hoặc cấp lại giấy chứng nhận người có công và giấy chứng nhận thân nhân liệt sĩ
F 10 Sửa đổi, bổ sung thông tin cá nhân trong hồ sơ người có công
F 10 Di chuyển hồ sơ khi người hưởng trợ cấp ưu đãi thay đổi nơi thường trú
F 5 Cấp trích lục hoặc sao hồ sơ người có công với cách mạng
P 15 Tiếp nhận người có công vào cơ sở nuôi dưỡng, điều dưỡng người có công
F 10 Giải quyết chế độ hỗ trợ để theo học đến trình độ đại học tại các cơ sở giáo dục đại học
F 10 Giải quyết chế độ ưu đãi trong giáo dục đào tạo đối với người có công với cách mạng và con của họ
F 10 Hỗ trợ người có công đi làm phương tiện, dụng cụ trợ giúp chỉnh hình; đi điều trị phục hồi chức năng
P 15 Giải quyết trợ cấp một lần đối với thanh niên xung phong đã hoàn thành nhiệm vụ trong kháng chiến
P 15 Giải quyết trợ cấp hằng tháng đối với thanh niên xung phong đã hoàn thành nhiệm vụ trong kháng chiến
P 20 Xác nhận thương binh, người hưởng chính sách như thương binh đối với người bị thương không còn giấy tờ
P 20 Công nhận và giải quyết chế độ ưu đãi người hoạt động cách mạng
F 10 Giải quyết chế độ điều dưỡng phục hồi sức khỏe cho người có công với cách mạng
## Văn hóa
P 20 Xét tặng danh hiệu “Gia đình văn hóa”
P 20 Xét tặng danh hiệu “Thôn văn hóa”, “Tổ dân phố văn hóa”
P 20 Xét tặng Giấy khen “Gia đình văn hóa”
P 20 Xét tặng Giấy khen “Thôn văn hóa”, “Tổ dân phố văn hóa”
F 5 Thông báo tổ chức lễ hội cấp xã
P 10 Đăng ký tổ chức lễ hội cấp xã
F 5 Công nhận câu lạc bộ thể thao cơ sở
F 5 Thông báo thành lập thư viện đối với thư viện cộng đồng
F 5 Thông báo sáp nhập, hợp nhất, chia, tách thư viện đối với thư viện cộng đồng
F 5 Thông báo chấm dứt hoạt động thư viện cộng đồng
P 5 Cấp Giấy phép đủ điều kiện kinh doanh dịch vụ karaoke
P 5 Cấp Giấy phép điều chỉnh Giấy phép đủ điều kiện kinh doanh dịch vụ karaoke
P 10 Cấp Giấy chứng nhận đăng ký hoạt động của cơ sở hỗ trợ nạn nhân bạo lực gia đình
F 10 Cấp lại Giấy chứng nhận đăng ký hoạt động của cơ sở hỗ trợ nạn nhân bạo lực gia đình
P 10 Đổi Giấy chứng nhận đăng ký hoạt động của cơ sở hỗ trợ nạn nhân bạo lực gia đình
## Giáo dục và Đào tạo
P 20 Thành lập trường mầm non công lập, cho phép thành lập trường mầm non dân lập, tư thục
P 20 Cho phép trường mầm non hoạt động giáo dục
P 20 Sáp nhập, chia, tách trường mầm non
P 20 Giải thể trường mầm non
P 20 Thành lập trường tiểu học công lập, cho phép thành lập trường tiểu học tư thục
P 20 Cho phép trường tiểu học hoạt động giáo dục
P 20 Sáp nhập, chia, tách trường tiểu học
P 20 Giải thể trường tiểu học
P 20 Thành lập trường trung học cơ sở công lập, cho phép thành lập trường trung học cơ sở tư thục
P 20 Cho phép trường trung học cơ sở hoạt động giáo dục
P 20 Sáp nhập, chia, tách trường trung học cơ sở
P 20 Giải thể trường trung học cơ sở
P 15 Cho phép nhóm trẻ, lớp mẫu giáo độc lập hoạt động giáo dục
P 15 Sáp nhập, chia, tách nhóm trẻ, lớp mẫu giáo độc lập
P 15 Giải thể nhóm trẻ, lớp mẫu giáo độc lập
F 3 Chuyển trường đối với học sinh tiểu học
F 3 Chuyển trường đối với học sinh trung học cơ sở
F 10 Xét, duyệt chính sách hỗ trợ đối với học sinh bán trú học tại các trường tiểu học, trung học cơ sở ở xã, thôn đặc biệt khó khăn
F 10 Hỗ trợ ăn trưa đối với trẻ em mẫu giáo
F 10 Xét cấp hỗ trợ chi phí học tập, miễn, giảm học phí đối với học sinh
F 5 Cấp bản sao văn bằng, chứng chỉ từ sổ gốc
F 5 Chỉnh sửa nội dung văn bằng, chứng chỉ
P 15 Cho phép trung tâm học tập cộng đồng hoạt động trở lại
P 20 Chuyển đổi nhà trẻ, trường mẫu giáo, trường mầm non tư thục sang hoạt động không vì lợi nhuận
F 10 Đăng ký hoạt động giáo dục kỹ năng sống, hoạt động giáo dục ngoài giờ chính khóa
## Y tế
F 10 Xét hưởng chính sách hỗ trợ cho đối tượng sinh con đúng chính sách dân số
P 15 Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đối với cơ sở sản xuất, kinh doanh thực phẩm
F 10 Cấp lại Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm
F 5 Cấp Giấy xác nhận kiến thức về an toàn thực phẩm
F 5 Tiếp nhận bản tự công bố sản phẩm thực phẩm
F 10 Hỗ trợ chi phí khám sàng lọc, chẩn đoán trước sinh và sơ sinh cho đối tượng chính sách
## Nông nghiệp
P 5 Đăng ký chuyển đổi cơ cấu cây trồng trên đất trồng lúa
P 15 Hỗ trợ khôi phục sản xuất vùng bị thiệt hại do thiên tai
P 15 Hỗ trợ khôi phục sản xuất vùng bị thiệt hại do dịch bệnh động vật
F 2 Kê khai hoạt động chăn nuôi
P 20 Hỗ trợ đầu tư xây dựng phát triển thủy lợi nhỏ, thủy lợi nội đồng và tưới tiên tiến, tiết kiệm nước
P 5 Xác nhận bảng kê lâm sản
P 15 Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đối với cơ sở sản xuất, kinh doanh nông, lâm, thủy sản
F 5 Cấp, cấp lại giấy xác nhận đăng ký nuôi trồng thủy sản lồng bè, đối tượng thủy sản nuôi chủ lực
P 10 Cấp giấy phép cho các hoạt động trong phạm vi bảo vệ công trình thủy lợi thuộc thẩm quyền cấp xã
P 10 Phê duyệt phương án khai thác thực vật rừng thông thường thuộc loài thông thường
P 10 Công nhận và giao quyền quản lý cho tổ chức cộng đồng quản lý, khai thác nguồn lợi thủy sản
P 15 Hỗ trợ dự án liên kết sản xuất, tiêu thụ sản phẩm nông nghiệp
P 15 Hỗ trợ kinh phí đóng bảo hiểm nông nghiệp
P 10 Chi trả tiền dịch vụ môi trường rừng cho hộ gia đình, cá nhân nhận khoán bảo vệ rừng
F 5 Đăng ký kê khai số lượng chăn nuôi tập trung và nuôi trồng thủy sản ban đầu
P 10 Xác nhận nguồn gốc giống thủy sản bố mẹ
## Tài nguyên nước
F 10 Đăng ký khai thác nước dưới đất
F 10 Đăng ký khai thác, sử dụng nước mặt, nước biển
P 10 Lấy ý kiến Ủy ban nhân dân cấp xã đối với dự án đầu tư có chuyển nước từ nguồn nước nội tỉnh
F 5 Kê khai, đăng ký, cấp phép khai thác nước dưới đất cho mục đích sinh hoạt hộ gia đình
## Môi trường
F 3 Đăng ký môi trường
P 10 Tham vấn trong đánh giá tác động môi trường
P 10 Xác nhận hoàn thành phương án cải tạo, phục hồi môi trường
## Tín ngưỡng, tôn giáo
P 15 Đăng ký hoạt động tín ngưỡng
P 15 Đăng ký bổ sung hoạt động tín ngưỡng
P 15 Đăng ký sinh hoạt tôn giáo tập trung
F 5 Thông báo danh mục hoạt động tôn giáo đối với tổ chức có địa bàn hoạt động tôn giáo ở một xã
F 5 Thông báo danh mục hoạt động tôn giáo bổ sung đối với tổ chức có địa bàn hoạt động tôn giáo ở một xã
F 5 Thông báo tổ chức quyên góp trong địa bàn một xã của cơ sở tín ngưỡng, tổ chức tôn giáo, tổ chức tôn giáo trực thuộc
P 15 Đề nghị thay đổi địa điểm sinh hoạt tôn giáo tập trung trong địa bàn một xã
P 15 Đề nghị thay đổi địa điểm sinh hoạt tôn giáo tập trung đến địa bàn xã khác
F 5 Thông báo về việc thay đổi địa điểm sinh hoạt tôn giáo tập trung
P 15 Đề nghị tổ chức cuộc lễ ngoài cơ sở tôn giáo, địa điểm hợp pháp đã đăng ký có quy mô tổ chức ở một xã
P 15 Đề nghị giảng đạo ngoài địa bàn phụ trách, cơ sở tôn giáo, địa điểm hợp pháp đã đăng ký có quy mô tổ chức ở một xã
F 5 Thông báo tổ chức lễ hội tín ngưỡng
F 5 Thông báo người đại diện, Ban quản lý cơ sở tín ngưỡng
## Thi đua, khen thưởng
P 20 Tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã về thực hiện nhiệm vụ chính trị
P 20 Tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã cho gia đình
P 20 Tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã về thành tích thi đua theo đợt hoặc chuyên đề
P 10 Tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã về thành tích đột xuất
P 20 Xét tặng danh hiệu Lao động tiên tiến
P 20 Xét tặng danh hiệu Chiến sĩ thi đua cơ sở
P 20 Xét tặng danh hiệu Tập thể lao động tiên tiến
## Phổ biến, giáo dục pháp luật
F 5 Công nhận tuyên truyền viên pháp luật
F 5 Cho thôi làm tuyên truyền viên pháp luật
P 10 Công nhận cấp xã đạt chuẩn tiếp cận pháp luật
## Hòa giải ở cơ sở
P 10 Thủ tục bầu hòa giải viên
P 10 Thủ tục bầu tổ trưởng tổ hòa giải
F 5 Thủ tục thôi làm hòa giải viên
F 10 Thủ tục thanh toán thù lao cho hòa giải viên
P 15 Thủ tục hỗ trợ cho hòa giải viên gặp tai nạn hoặc rủi ro ảnh hưởng đến sức khỏe, tính mạng trong khi thực hiện hoạt động hòa giải
## Bồi thường nhà nước
P 30 Giải quyết yêu cầu bồi thường tại cơ quan trực tiếp quản lý người thi hành công vụ gây thiệt hại
P 20 Phục hồi danh dự
P 20 Giải quyết yêu cầu bồi thường tại cơ quan trực tiếp quản lý người thi hành công vụ gây thiệt hại trong hoạt động quản lý hành chính
## Khiếu nại, tố cáo
P 30 Giải quyết khiếu nại lần đầu tại cấp xã
P 30 Giải quyết tố cáo tại cấp xã
P 10 Tiếp công dân tại cấp xã
P 10 Xử lý đơn tại cấp xã
## Nội vụ
P 20 Thủ tục công nhận ban vận động thành lập hội có phạm vi hoạt động trong xã
P 20 Thủ tục thành lập hội có phạm vi hoạt động trong xã
P 20 Thủ tục phê duyệt điều lệ hội có phạm vi hoạt động trong xã
P 20 Thủ tục chia, tách; sáp nhập; hợp nhất hội có phạm vi hoạt động trong xã
P 20 Thủ tục đổi tên hội có phạm vi hoạt động trong xã
P 20 Thủ tục hội tự giải thể có phạm vi hoạt động trong xã
F 10 Thủ tục báo cáo tổ chức đại hội nhiệm kỳ, đại hội bất thường của hội có phạm vi hoạt động trong xã
P 20 Thủ tục cho phép quỹ xã hội, quỹ từ thiện có phạm vi hoạt động trong xã hoạt động trở lại
## Dân tộc
P 15 Công nhận người có uy tín trong đồng bào dân tộc thiểu số
P 15 Đưa ra khỏi danh sách người có uy tín trong đồng bào dân tộc thiểu số
## Việc làm
F 10 Hỗ trợ tạo việc làm, duy trì và mở rộng việc làm từ Quỹ quốc gia về việc làm đối với người lao động
F 10 Đăng ký hợp đồng lao động nhận lao động thực tập
F 5 Thông báo về việc tuyển lao động
## Quản lý công sản
P 30 Xác lập quyền sở hữu toàn dân đối với tài sản do tổ chức, cá nhân tự nguyện chuyển giao quyền sở hữu cho Nhà nước
P 30 Xác lập quyền sở hữu toàn dân đối với tài sản bị đánh rơi, bỏ quên
P 30 Xác lập quyền sở hữu toàn dân đối với di sản không có người thừa kế
P 20 Quyết định xử lý tài sản công trong trường hợp bị mất, bị hủy hoại
P 20 Quyết định thanh lý tài sản công
P 20 Quyết định điều chuyển tài sản công
F 10 Mua sắm tài sản công phục vụ hoạt động của cơ quan, tổ chức, đơn vị trong trường hợp không phải lập thành dự án đầu tư
## Thủy lợi
P 10 Phê duyệt phương án bảo vệ công trình thủy lợi nhỏ
P 10 Cấp giấy phép xả nước thải vào công trình thủy lợi nhỏ
P 10 Gia hạn, điều chỉnh giấy phép cho các hoạt động trong phạm vi bảo vệ công trình thủy lợi thuộc thẩm quyền cấp xã
F 5 Cấp lại giấy phép cho các hoạt động trong phạm vi bảo vệ công trình thủy lợi thuộc thẩm quyền cấp xã
P 15 Thẩm định, phê duyệt phương án ứng phó thiên tai cho công trình, vùng hạ du đập trong quá trình thi công thuộc thẩm quyền cấp xã
P 15 Thẩm định, phê duyệt phương án ứng phó với tình huống khẩn cấp hồ chứa nước thuộc thẩm quyền cấp xã
## Phòng, chống thiên tai
P 15 Hỗ trợ khắc phục hậu quả thiên tai đối với hộ gia đình có nhà ở bị sập đổ, hư hỏng nặng
F 10 Đăng ký tham gia lực lượng xung kích phòng, chống thiên tai cấp xã
P 15 Hỗ trợ người bị thương do thiên tai
P 15 Hỗ trợ gia đình có người chết, mất tích do thiên tai
## Lâm nghiệp
P 15 Phê duyệt hồ sơ thiết kế, dự toán công trình lâm sinh
P 10 Xác nhận nguồn gốc gỗ, lâm sản có nguồn gốc từ vườn nhà, trang trại, cây trồng phân tán
F 5 Đăng ký mã số cơ sở trồng, cơ sở nuôi động vật rừng thông thường
P 15 Giao rừng, cho thuê rừng đối với hộ gia đình, cá nhân, cộng đồng dân cư
P 15 Chuyển loại rừng đối với khu rừng do Ủy ban nhân dân cấp xã xác lập
## Trồng trọt
F 5 Cấp mã số vùng trồng
F 5 Cấp lại mã số vùng trồng
F 5 Tiếp nhận bản công bố hợp quy phân bón do cá nhân sản xuất
P 10 Hỗ trợ giống cây trồng để khôi phục sản xuất sau thiên tai
## Chăn nuôi và thú y
F 5 Đăng ký cơ sở chăn nuôi trang trại quy mô nhỏ
P 10 Hỗ trợ chi phí tiêu hủy gia súc, gia cầm bị dịch bệnh
F 5 Cấp Giấy chứng nhận đủ điều kiện vệ sinh thú y đối với cơ sở giết mổ nhỏ lẻ
F 5 Cấp lại Giấy chứng nhận đủ điều kiện vệ sinh thú y đối với cơ sở giết mổ nhỏ lẻ
## Thủy sản
F 5 Đăng ký tàu cá có chiều dài dưới 12 mét
F 5 Xóa đăng ký tàu cá có chiều dài dưới 12 mét
F 5 Cấp văn bản chấp thuận khai thác thủy sản cho tàu cá có chiều dài dưới 12 mét
F 5 Cấp lại văn bản chấp thuận khai thác thủy sản cho tàu cá có chiều dài dưới 12 mét
F 5 Xác nhận nguồn gốc thủy sản khai thác
## Kinh tế hợp tác và phát triển nông thôn
F 10 Hỗ trợ thành lập mới, tổ chức lại hợp tác xã nông nghiệp
P 15 Hỗ trợ đầu tư kết cấu hạ tầng, trang thiết bị cho hợp tác xã nông nghiệp
F 10 Công nhận nghề truyền thống, làng nghề
F 10 Đánh giá, phân hạng sản phẩm OCOP cấp xã
## Điện
F 10 Hỗ trợ tiền điện cho hộ nghèo, hộ chính sách xã hội
F 10 Xác nhận hộ gia đình sử dụng điện cho sinh hoạt thuộc diện hộ nghèo, hộ chính sách xã hội
## Nhà ở
P 15 Xác nhận đối tượng, điều kiện được hưởng chính sách hỗ trợ về nhà ở xã hội
P 15 Hỗ trợ người có công với cách mạng về nhà ở
P 15 Hỗ trợ hộ nghèo, hộ cận nghèo về nhà ở
F 10 Thông báo nhà ở hình thành trong tương lai đủ điều kiện được bán, cho thuê mua
## Quy hoạch
P 15 Cấp giấy phép quy hoạch dự án đầu tư xây dựng trên địa bàn xã
F 10 Cung cấp thông tin về quy hoạch xây dựng thuộc thẩm quyền cấp xã
F 10 Cung cấp thông tin về quy hoạch chung, quy hoạch chi tiết thuộc thẩm quyền cấp xã
P 20 Thẩm định nhiệm vụ, đồ án quy hoạch chi tiết xây dựng thuộc thẩm quyền cấp xã
## Hạ tầng kỹ thuật
F 10 Cấp phép sử dụng tạm thời một phần hè phố không vào mục đích giao thông
F 10 Cấp phép đào đường, vỉa hè để đấu nối hạ tầng kỹ thuật
F 10 Thỏa thuận đấu nối hệ thống thoát nước vào hệ thống thoát nước chung
F 10 Cấp phép chặt hạ, dịch chuyển cây xanh đô thị do hộ gia đình, cá nhân đề nghị
## Du lịch
F 10 Công nhận điểm du lịch cấp xã
F 10 Thông báo cơ sở lưu trú du lịch không phải xếp hạng
F 10 Cấp Giấy chứng nhận cơ sở kinh doanh dịch vụ ăn uống đạt tiêu chuẩn phục vụ khách du lịch
## Thể dục thể thao
F 10 Công nhận câu lạc bộ thể thao, đội thể thao quần chúng cấp xã
F 10 Thông báo tổ chức giải thể thao quần chúng cấp xã
## Thông tin và truyền thông
F 10 Thông báo hoạt động của đài truyền thanh cơ sở
F 10 Cấp giấy phép hoạt động điểm cung cấp dịch vụ trò chơi điện tử công cộng
F 10 Cấp sửa đổi, bổ sung giấy phép hoạt động điểm cung cấp dịch vụ trò chơi điện tử công cộng
F 10 Gia hạn giấy phép hoạt động điểm cung cấp dịch vụ trò chơi điện tử công cộng
F 10 Cấp lại giấy phép hoạt động điểm cung cấp dịch vụ trò chơi điện tử công cộng
## Lao động, tiền lương
F 10 Giải quyết chế độ trợ cấp thôi việc đối với cán bộ, công chức cấp xã
F 10 Giải quyết chế độ hưu trí đối với cán bộ, công chức cấp xã
F 10 Giải quyết chế độ tử tuất đối với cán bộ, công chức cấp xã
F 10 Xác nhận người lao động không có giao kết hợp đồng lao động để hưởng chính sách hỗ trợ
## An toàn thực phẩm
F 5 Đăng ký bản công bố sản phẩm thực phẩm của cơ sở kinh doanh nhỏ lẻ
F 5 Ký cam kết bảo đảm an toàn thực phẩm đối với cơ sở không thuộc diện cấp Giấy chứng nhận
F 5 Thông báo cơ sở kinh doanh thức ăn đường phố
## Bình đẳng giới
F 10 Thông báo thành lập địa chỉ tin cậy tại cộng đồng
F 10 Đăng ký tham gia mô hình hỗ trợ bình đẳng giới tại cộng đồng
## Dân số
F 10 Xét khen thưởng tập thể, cá nhân có thành tích trong công tác dân số
F 10 Hỗ trợ cho người cao tuổi được chăm sóc sức khỏe ban đầu tại nhà
## Bảo hiểm
F 10 Cấp thẻ bảo hiểm y tế cho người thuộc hộ gia đình nghèo, cận nghèo
F 10 Cấp thẻ bảo hiểm y tế cho đối tượng bảo trợ xã hội
F 5 Xác nhận danh sách người tham gia bảo hiểm y tế theo hộ gia đình
## Đo đạc, bản đồ
F 10 Cung cấp thông tin, dữ liệu, sản phẩm đo đạc và bản đồ thuộc phạm vi quản lý cấp xã
## Tổ chức phi chính phủ
F 10 Công nhận tổ chức tình nguyện tham gia hoạt động trợ giúp tại cộng đồng
F 10 Thông báo hoạt động của tổ chức xã hội có phạm vi hoạt động trong xã
## Bảo trợ xã hội
F 10 Hỗ trợ kinh phí nhận chăm sóc người cao tuổi tại cộng đồng
F 10 Hỗ trợ chi phí học nghề, tạo việc làm cho người khuyết tật
## Giáo dục và Đào tạo
P 15 Thành lập trung tâm học tập cộng đồng
## Việc làm
F 10 Hỗ trợ học nghề cho người lao động thuộc hộ nghèo, hộ cận nghèo
"""

REAL_CODES: dict[str, str] = {
    "Đăng ký khai sinh": "1.001193",
    "Đăng ký kết hôn": "1.000894",
    "Đăng ký khai tử": "1.000656",
    "Cấp bản sao trích lục hộ tịch": "2.000635",
    "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của "
    "Việt Nam cấp hoặc chứng nhận": "2.000815",
}

# The 51 procedures with cases in 2026: name -> (relative volume before the period, relative
# volume in the period). Chứng thực and Hộ tịch dominate, as in every commune centre; a weight of
# 0 in the period means the procedure only had cases earlier in the year.
USAGE: dict[str, tuple[float, float]] = {
    # toàn trình (23)
    "Cấp bản sao điện tử được chứng thực từ bản chính": (40.0, 42.0),
    "Đăng ký khai sinh": (7.0, 7.0),
    "Đăng ký khai tử": (3.0, 3.0),
    "Cấp bản sao trích lục hộ tịch": (8.0, 8.0),
    "Cấp Giấy xác nhận tình trạng hôn nhân": (5.0, 5.0),
    "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch": (0.8, 0.8),
    "Đăng ký lại khai sinh": (0.3, 0.3),
    "Đăng ký lại khai tử": (0.05, 0.0),
    "Đăng ký khai sinh cho người đã có hồ sơ, giấy tờ cá nhân": (0.2, 0.2),
    "Cấp văn bản xác nhận thông tin hộ tịch": (0.4, 0.4),
    "Đăng ký khai tử có yếu tố nước ngoài": (0.02, 0.0),
    "Cấp bản sao có chứng thực từ bản chính hợp đồng, giao dịch đã được chứng thực": (0.2, 0.2),
    "Đăng ký thành lập hộ kinh doanh": (0.8, 0.8),
    "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh": (0.4, 0.4),
    "Tạm ngừng kinh doanh, tiếp tục kinh doanh trước thời hạn đã thông báo của hộ kinh doanh": (
        0.2,
        0.2,
    ),
    "Chấm dứt hoạt động hộ kinh doanh": (0.2, 0.2),
    "Cấp lại Giấy chứng nhận đăng ký hộ kinh doanh": (0.05, 0.0),
    "Cung cấp thông tin, dữ liệu đất đai": (0.3, 0.3),
    "Kê khai hoạt động chăn nuôi": (0.1, 0.1),
    "Cấp Giấy phép bán lẻ rượu": (0.05, 0.0),
    "Chuyển trường đối với học sinh trung học cơ sở": (0.1, 0.2),
    "Đăng ký khai thác nước dưới đất": (0.02, 0.0),
    "Đăng ký môi trường": (0.03, 0.0),
    # một phần (28)
    "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của "
    "Việt Nam cấp hoặc chứng nhận": (12.0, 12.0),
    "Chứng thực chữ ký trong các giấy tờ, văn bản (áp dụng cho cả trường hợp chứng thực điểm "
    "chỉ và trường hợp người yêu cầu chứng thực không thể ký, không thể điểm chỉ được)": (6.0, 6.0),
    "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản, quyền sử dụng đất và nhà ở": (
        3.0,
        3.0,
    ),
    "Chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch": (0.2, 0.2),
    "Chứng thực di chúc": (0.1, 0.1),
    "Chứng thực văn bản thỏa thuận phân chia di sản mà di sản là động sản, quyền sử dụng đất, "
    "nhà ở": (0.3, 0.3),
    "Chứng thực văn bản khai nhận di sản mà di sản là động sản, quyền sử dụng đất, nhà ở": (
        0.2,
        0.2,
    ),
    "Đăng ký kết hôn": (2.0, 2.0),
    "Đăng ký nhận cha, mẹ, con": (0.1, 0.1),
    "Đăng ký khai sinh kết hợp nhận cha, mẹ, con": (0.1, 0.1),
    "Đăng ký giám hộ": (0.03, 0.0),
    "Đăng ký kết hôn có yếu tố nước ngoài": (0.03, 0.03),
    "Đăng ký việc nuôi con nuôi trong nước": (0.02, 0.0),
    "Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở "
    "hữu tài sản gắn liền với đất lần đầu đối với cá nhân, hộ gia đình, cộng đồng dân cư": (
        0.4,
        0.4,
    ),
    "Chuyển mục đích sử dụng đất đối với cá nhân": (0.2, 0.2),
    "Hòa giải tranh chấp đất đai": (0.1, 0.1),
    "Tách thửa, hợp thửa đất": (0.2, 0.2),
    "Giao đất, cho thuê đất không thông qua đấu giá quyền sử dụng đất đối với cá nhân": (
        0.03,
        0.0,
    ),
    "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ": (0.3, 0.3),
    "Cấp giấy phép xây dựng sửa chữa, cải tạo đối với nhà ở riêng lẻ": (0.1, 0.1),
    "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng, hỗ trợ kinh phí chăm sóc, "
    "nuôi dưỡng hằng tháng": (0.5, 0.5),
    "Trợ giúp xã hội khẩn cấp về hỗ trợ chi phí mai táng": (0.1, 0.1),
    "Xác định, xác định lại mức độ khuyết tật và cấp Giấy xác nhận khuyết tật": (0.1, 0.1),
    "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ": (0.05, 0.05),
    "Giải quyết chế độ mai táng phí, trợ cấp một lần khi người có công với cách mạng từ trần": (
        0.1,
        0.1,
    ),
    "Xét tặng danh hiệu “Gia đình văn hóa”": (0.02, 0.0),
    "Đăng ký chuyển đổi cơ cấu cây trồng trên đất trồng lúa": (0.05, 0.05),
    "Đăng ký hoạt động tín ngưỡng": (0.02, 0.0),
}

# Fields whose procedures always need the applicant or an on-site check: never rebalanced.
_ALWAYS_PARTIAL_FIELDS = frozenset({"Hộ tịch", "Chứng thực", "Đất đai", "Xây dựng"})

PARTIAL_TOTAL = 155
FULL_TOTAL = 220


@dataclass(frozen=True)
class Procedure:
    """One catalogue entry. ``synthetic`` marks a made-up code (see the module docstring)."""

    code: str
    name: str
    field: str
    level: Level
    days: int  # legal processing time, working days
    synthetic: bool
    weight_before: float  # relative volume 01/01–14/05/2026 (0: no cases)
    weight_period: float  # relative volume in the reporting period

    @property
    def used(self) -> bool:
        return self.weight_before > 0 or self.weight_period > 0

    @property
    def level_label(self) -> str:
        """Mức độ DVCTT as the catalogue export writes it."""
        return "Toàn trình" if self.level is Level.FULL else "Một phần"


def _parse() -> list[tuple[str, str, int, str]]:
    rows: list[tuple[str, str, int, str]] = []
    field = ""
    for line in CATALOGUE_TEXT.strip().splitlines():
        if line.startswith("## "):
            field = line[3:].strip()
            continue
        hint, days, name = line.split(" ", 2)
        rows.append((field, hint, int(days), name.strip()))
    return rows


@cache
def catalogue() -> tuple[Procedure, ...]:
    """The 375 procedures, grouped by field in a stable order (the same for every seed)."""
    rows = _parse()
    field_order = list(dict.fromkeys(f for f, *_ in rows))
    rows.sort(key=lambda r: field_order.index(r[0]))  # stable: keeps order within a field
    unknown = set(USAGE) - {name for *_, name in rows}
    if unknown:
        raise ValueError(f"USAGE names not in the catalogue: {sorted(unknown)}")

    hints = [h for _, h, _, _ in rows]
    excess = sum(h == "P" for h in hints) - PARTIAL_TOTAL
    movable = sorted(
        (
            i
            for i, (field, hint, _, name) in enumerate(rows)
            if hint == "P" and name not in USAGE and field not in _ALWAYS_PARTIAL_FIELDS
        ),
        key=lambda i: (rows[i][2], i),
    )
    if excess < 0 or excess > len(movable):
        raise ValueError(f"cannot balance levels to {PARTIAL_TOTAL}/{FULL_TOTAL}")
    for i in movable[:excess]:
        hints[i] = "F"

    out: list[Procedure] = []
    position: dict[str, int] = {}
    for (field, _, days, name), hint in zip(rows, hints, strict=True):
        position[field] = position.get(field, 0) + 1
        real = REAL_CODES.get(name)
        code = real or f"9.{field_order.index(field) + 1:03d}{position[field]:03d}"
        w_before, w_period = USAGE.get(name, (0.0, 0.0))
        out.append(
            Procedure(
                code=code,
                name=name,
                field=field,
                level=Level.PARTIAL if hint == "P" else Level.FULL,
                days=days,
                synthetic=real is None,
                weight_before=w_before,
                weight_period=w_period,
            )
        )
    return tuple(out)


def by_name(name: str) -> Procedure:
    """The catalogue entry with this exact name."""
    for proc in catalogue():
        if proc.name == name:
            return proc
    raise KeyError(name)
